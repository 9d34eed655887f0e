/** Rules of the hostkey phase: an unknown, changed or revoked server key. */
import { askAdmin } from '../../../shared/actions';
import { makeFix } from '../../../shared/fixes';
import { ev, target, type PhaseRules } from './verdict';

export const decideHostkey: PhaseRules = (f, end) => {
  const hk = f.hostkey;
  if (end.stoppedAt !== 'hostkey' || !hk) return null;
  const k = hk.key;
  const keyEv = [ev('Server', target(f), { mono: true }), ev('Key type', k.type, { mono: true }), ev('Fingerprint (SHA256)', k.sha256, { mono: true, highlight: hk.status !== 'unknown' }), ev('Fingerprint (MD5)', k.md5, { mono: true })];
  const hostParams = { host: f.input?.host ?? '', port: f.input?.port ?? 22, type: k.type, sha256: k.sha256, md5: k.md5, publicKey: k.publicKey, file: hk.knownHostsFile };
  if (hk.status === 'unknown') {
    const evidence = [...keyEv, ev('Checked against', hk.knownHostsFile, { mono: true })];
    if (f.auth?.methods?.length) evidence.push(ev('Login methods the server allows', f.auth.methods.join(', '), { mono: true }));
    return { code: 'HOSTKEY_UNKNOWN', phase: 'hostkey', evidence, fixes: [makeFix('trust-host-key', hostParams), makeFix('connect-once', { sha256: k.sha256 })] };
  }
  if (hk.status === 'changed' || hk.status === 'revoked') {
    const evidence = [...keyEv];
    for (const m of hk.matches) {
      evidence.push(ev(hk.status === 'revoked' ? 'Marked as revoked at' : 'Recorded key', `${m.type} ${m.sha256}`, { mono: true }), ev('Recorded in', `${m.file}:${m.line}`, { mono: true, highlight: true }));
    }
    if (hk.status === 'revoked') {
      return { code: 'HOSTKEY_CHANGED', phase: 'hostkey', evidence: [...evidence, ev('Revoked', 'This exact key is listed as revoked: it must never be accepted.', { highlight: true })], actions: [askAdmin('hostkey')] };
    }
    const old = hk.matches[0];
    return { code: 'HOSTKEY_CHANGED', phase: 'hostkey', evidence, fixes: [makeFix('replace-host-key', { ...hostParams, oldSha256: old?.sha256 ?? '', line: old?.line ?? 0 })], actions: [askAdmin('hostkey')] };
  }
  return null;
};
