/** Rules of the kex phase: no common algorithm, or the key exchange failed. */
import { askAdmin } from '../../../shared/actions';
import { makeFix } from '../../../shared/fixes';
import { ev, serverEvidence, type PhaseRules } from './verdict';

export const CATEGORY_NAMES: Record<string, string> = {
  kex: 'the key exchange',
  serverHostKey: 'the server key type',
  cipher: 'the encryption cipher',
  mac: 'the integrity check (MAC)',
  compression: 'compression',
};

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
    if (m.legacyCandidates.length) {
      return { code: 'KEX_NO_COMMON_ALGORITHM', phase: 'kex', evidence, fixes: [makeFix('allow-legacy-algorithms', { algorithms: m.legacyCandidates, categories: m.legacyCandidates.map(() => m.category) })], actions: [askAdmin('algorithms')], vars };
    }
    return { code: 'KEX_NO_COMMON_ALGORITHM', phase: 'kex', evidence, actions: [askAdmin('algorithms')], vars };
  }
  const hk = f.hostkey?.status;
  if (stop === 'kex' || (stop === 'hostkey' && kex?.error && hk !== 'changed' && hk !== 'revoked' && hk !== 'unknown')) {
    const evidence = [...serverEv, ev('What went wrong', kex?.error === 'ECONNRESET' ? 'connection reset' : (kex?.error ?? 'unknown'), { mono: true, highlight: true })];
    return { code: kex?.error === 'ECONNRESET' ? 'TCP_RESET' : 'KEX_FAILED', phase: stop, evidence };
  }
  return null;
};
