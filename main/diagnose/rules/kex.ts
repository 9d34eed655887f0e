/** Rules of the kex phase: no common algorithm, or the key exchange failed. */
import { askAdmin } from '../../../shared/actions';
import { makeFix } from '../../../shared/fixes';
import { algorithmRisk } from '../../../shared/form-fix';
import { legacyPlan } from '../algorithms';
import type { EvidenceItem, Facts } from '../../../shared/types';
import { ev, serverEvidence, type PhaseRules } from './verdict';

export const CATEGORY_NAMES: Record<string, string> = {
  kex: 'the key exchange',
  serverHostKey: 'the server key type',
  cipher: 'the encryption cipher',
  mac: 'the integrity check (MAC)',
  compression: 'compression',
};

/** The weak algorithms a run chose from the server's offer ("auto"), one line each with its risk. */
export function chosenEvidence(f: Facts): EvidenceItem[] {
  return (f.kex?.chosen ?? []).map((c) => ev('Weak algorithm chosen', `${c.algorithm} for ${CATEGORY_NAMES[c.category] ?? c.category}: ${c.risk}`));
}

export const decideKex: PhaseRules = (f, end) => {
  const stop = end.stoppedAt;
  const kex = f.kex;
  const serverEv = serverEvidence(f);
  if ((stop === 'kex' || stop === 'hostkey') && kex?.mismatch) {
    const m = kex.mismatch;
    const evidence = [
      ...serverEv,
      ev('Category', CATEGORY_NAMES[m.category] ?? m.category, { highlight: true }),
      ev('Server offers', m.server.join(', ') || '(nothing)', { mono: true, highlight: true }),
      ev('We offer', m.client.join(', '), { mono: true }),
    ];
    const vars = { category: CATEGORY_NAMES[m.category] ?? m.category };
    // Every category at once (not only the first that failed), so one fix reaches the login.
    // The list that failed may be the server-to-client one (a server may offer each direction its own).
    const srv = f.server?.algorithms;
    const plan = srv
      ? legacyPlan(kex.client, srv, { cipher: m.category === 'cipher' ? m.server : srv.cipher, mac: m.category === 'mac' ? m.server : srv.mac })
      : { choices: [], missing: [m.category] };
    if (plan.missing.length) {
      evidence.push(ev('Nothing SFTP Doctor can use for', plan.missing.map((c) => CATEGORY_NAMES[c] ?? c).join(', '), { highlight: true }));
      return { code: 'KEX_NO_COMMON_ALGORITHM', phase: 'kex', evidence, actions: [askAdmin('algorithms')], vars };
    }
    if (!plan.choices.length) return { code: 'KEX_NO_COMMON_ALGORITHM', phase: 'kex', evidence, actions: [askAdmin('algorithms')], vars };
    evidence.push(ev('Least weak choice the server accepts', plan.choices.map((c) => `${c.algorithm} (${CATEGORY_NAMES[c.category] ?? c.category})`).join(', '), { mono: true }));
    const fix = makeFix('allow-legacy-algorithms', {
      algorithms: plan.choices.map((c) => c.algorithm),
      categories: plan.choices.map((c) => c.category),
      risks: plan.choices.map((c) => algorithmRisk(c.algorithm)),
    });
    return { code: 'KEX_NO_COMMON_ALGORITHM', phase: 'kex', evidence, fixes: [fix], actions: [askAdmin('algorithms')], vars };
  }
  const hk = f.hostkey?.status;
  if (stop === 'kex' || (stop === 'hostkey' && kex?.error && hk !== 'changed' && hk !== 'revoked' && hk !== 'unknown')) {
    const evidence = [...serverEv, ev('What went wrong', kex?.error === 'ECONNRESET' ? 'connection reset' : (kex?.error ?? 'unknown'), { mono: true, highlight: true })];
    return { code: kex?.error === 'ECONNRESET' ? 'TCP_RESET' : 'KEX_FAILED', phase: stop, evidence };
  }
  return null;
};
