import type { EvidenceItem, Facts } from '../../shared/types';
import { visibleText } from '../../shared/visible';
import { matchKnownText, type KnownMatch, type SaidWhere } from './server-texts';

/**
 * Everything human-readable the server said during a run, gathered from the facts (pure), made
 * safe for a terminal or a page, and matched against the table of known texts.
 */

export interface Said {
  where: SaidWhere;
  text: string;
  known: KnownMatch | null;
}

const MAX_TEXT = 1000;
const MAX_ITEMS = 12;

/** Server text made safe to show (shared/visible: controls, direction overrides, invisibles), at most `max` characters. */
export function visible(text: string, max = MAX_TEXT): string {
  const out = visibleText(text.slice(0, max * 2).replace(/\r\n/g, '\n')).trim();
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

const LABELS: Record<SaidWhere, string> = {
  'auth-banner': 'The server said (login message)',
  'kbd-text': 'The server said (login dialog)',
  'kbd-prompt': 'The server asked',
  disconnect: 'The server said when it hung up',
  'password-change': 'The server said (password change)',
  'session-output': 'The session printed',
  'session-stderr': 'The session wrote (error output)',
  'exec-output': 'A plain command printed',
  'exec-stderr': 'A plain command wrote (error output)',
  'sftp-status': 'The SFTP server answered',
};

/** The server's words of this run, in the order they arrived, each at most once. */
export function serverWords(f: Facts): Said[] {
  const raw: [SaidWhere, string | undefined][] = [];
  const a = f.auth;
  if (a) {
    raw.push(['auth-banner', a.banner]);
    for (const t of a.kbdTexts ?? []) raw.push(['kbd-text', t]);
    for (const t of a.unanswered ?? []) raw.push(['kbd-prompt', t]);
    if (a.disconnectBy === 'server') raw.push(['disconnect', a.disconnect]);
  }
  const s = f.sftp;
  if (s) {
    raw.push([s.stage === 'scp' ? 'exec-output' : 'session-output', s.output]);
    raw.push(['session-stderr', s.stderr]);
    raw.push(['exec-output', s.shellOutput]);
    raw.push(['exec-stderr', s.execStderr]);
    if (s.status?.message) raw.push(['sftp-status', s.status.message]);
  }
  const out: Said[] = [];
  const seen = new Set<string>();
  for (const [where, text] of raw) {
    if (!text) continue;
    const v = visible(text);
    if (!v || seen.has(v) || out.length >= MAX_ITEMS) continue;
    seen.add(v);
    out.push({ where, text: v, known: matchKnownText(v) });
  }
  return out;
}

/** The first known text among the words (optionally only where given), or null. */
export function firstKnown(words: Said[], where?: SaidWhere[]): (Said & { known: KnownMatch }) | null {
  for (const w of words) if (w.known && (!where || where.includes(w.where))) return w as Said & { known: KnownMatch };
  return null;
}

/** Evidence lines: each text quoted with where it came from, and the source of a known one. */
export function wordsEvidence(words: Said[], highlight?: Said | null): EvidenceItem[] {
  const out: EvidenceItem[] = [];
  for (const w of words) {
    out.push({ label: LABELS[w.where], value: w.text, mono: true, ...(w === highlight ? { highlight: true } : {}) });
    if (w.known) out.push({ label: 'Known message', value: `${w.known.entry.source}: ${w.known.entry.meaning}` });
  }
  return out;
}

/** Exit status or signal of the session and of the plain command, as the server reported them. */
export function exitEvidence(f: Facts): EvidenceItem[] {
  const s = f.sftp;
  if (!s) return [];
  const out: EvidenceItem[] = [];
  if (s.exitCode !== undefined) out.push({ label: 'Exit status of the session', value: String(s.exitCode), mono: true });
  if (s.exitSignal) out.push({ label: 'Ended by signal', value: s.exitSignal, mono: true });
  if (s.execExitCode !== undefined) out.push({ label: 'Exit status of a plain command', value: String(s.execExitCode), mono: true });
  if (s.commandRan === false) out.push({ label: 'A plain command', value: 'did not run: the server ran something else in its place', highlight: true });
  return out;
}
