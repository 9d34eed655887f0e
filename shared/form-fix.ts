/**
 * Applying a form fix: the ONE function the window (renderer/logic/formFixes.ts) and `repair`
 * (main/repair/form-fixes.ts) both use. It reads the attempt's settings, returns the fields to
 * change (a patch of the request), one readable line per change and what to weigh first. Pure.
 * Secrets may be in the patch (a trimmed password) but never in the change lines.
 */
import { type FixOf, type FormFix, type TrimmableField, TRIMMABLE_FIELDS } from './fixes';
import { passwordVariant } from './password-variants';
import type { ConnectionRequest } from './types';
import { DEFAULT_TIMEOUT_MS } from './defaults';

/** The settings a form fix may read and change. */
export type FormState = Pick<
  ConnectionRequest,
  'protocol' | 'host' | 'port' | 'user' | 'password' | 'passphrase' | 'privateKey' | 'useAgent' | 'authMethods' | 'rsaSignature' | 'identitiesOnly' | 'legacyAlgorithms' | 'keepaliveSeconds' | 'acceptHostKey' | 'startPath' | 'timeoutMs'
>;
export type FormPatch = Partial<FormState>;

export type FormFixResult = { ok: true; patch: FormPatch; changes: string[]; notes: string[] } | { ok: false; message: string };

/** The default budget of a run (ms), and the longest a fix may give it. */
export { DEFAULT_TIMEOUT_MS };
export const MAX_TIMEOUT_MS = 120_000;
export const DEFAULT_PORT = 22;

const FIELD_NAMES: Record<TrimmableField, string> = { host: 'Host', user: 'User name', password: 'Password', passphrase: 'Key passphrase' };

/** Why each weak algorithm is weak, in plain words (matched by name). */
const RISKS: { test: RegExp; risk: string }[] = [
  { test: /^diffie-hellman-group1-sha1$/, risk: 'a 1024-bit key exchange group shared by many servers; a well-funded attacker can break it and read the session (Logjam).' },
  { test: /^diffie-hellman-group(14|-exchange)-sha1$/, risk: 'a key exchange that relies on SHA-1, a hash with practical collisions.' },
  { test: /^ssh-dss$/, risk: 'DSA server keys of 1024 bits, too short today and removed from OpenSSH.' },
  { test: /^ssh-rsa$/, risk: 'RSA signatures with SHA-1: a forged server identity is within reach of a determined attacker.' },
  { test: /^3des-cbc$/, risk: 'Triple DES: slow and with a 64-bit block, so long sessions leak data (Sweet32).' },
  { test: /-cbc$/, risk: 'CBC mode: SSH packets in CBC mode allow recovering bits of plaintext in some attacks.' },
  { test: /^arcfour|^blowfish|^cast128/, risk: 'an old cipher with known weaknesses.' },
  { test: /md5|sha1-96|-96$/, risk: 'a weak integrity check (MD5 or truncated) that can let an attacker tamper with data.' },
  { test: /^hmac-sha1/, risk: 'an integrity check with SHA-1; still hard to attack in HMAC form, but outdated.' },
];

export function algorithmRisk(name: string): string {
  return RISKS.find((r) => r.test.test(name))?.risk ?? 'an old algorithm that modern servers and clients no longer use by default.';
}

function show(v: unknown): string {
  return v === undefined || v === '' ? '(empty)' : `"${String(v)}"`;
}

function portText(p: FormState['port']): string {
  return p === undefined || p === '' ? '(default)' : String(p);
}

type Step = { patch: FormPatch; changes: string[]; notes?: string[] } | string;

function splitHost(fix: FixOf<'split-host-field'>, s: FormState): Step {
  const p = fix.params;
  const patch: FormPatch = {};
  const changes: string[] = [];
  if (p.host !== s.host) {
    patch.host = p.host;
    changes.push(`Host: ${show(s.host)} → "${p.host}"`);
  }
  if (p.user !== undefined && p.user !== s.user) {
    patch.user = p.user;
    changes.push(`User name: ${show(s.user)} → "${p.user}"`);
  }
  if (p.port !== undefined && String(p.port) !== String(s.port ?? '')) {
    patch.port = p.port;
    changes.push(`Port: ${portText(s.port)} → ${p.port}`);
  }
  if (p.path !== undefined && p.path !== s.startPath) {
    patch.startPath = p.path;
    changes.push(`Start folder: ${show(s.startPath)} → "${p.path}"`);
  }
  if (p.scheme?.toLowerCase() === 'scp' && s.protocol !== 'scp') {
    patch.protocol = 'scp';
    changes.push('Protocol: SFTP → SCP');
  }
  return { patch, changes };
}

function trim(fix: FixOf<'trim-whitespace'>, s: FormState): Step {
  const fields = fix.params.fields.length ? fix.params.fields : [...TRIMMABLE_FIELDS];
  const patch: FormPatch = {};
  const changes: string[] = [];
  for (const f of fields) {
    const v = s[f];
    if (typeof v !== 'string' || v === v.trim()) continue;
    patch[f] = v.trim();
    // The value of a secret is never shown, not even trimmed.
    changes.push(`${FIELD_NAMES[f]}: removed the spaces at its start or end`);
  }
  return { patch, changes };
}

function longerTimeout(fix: FixOf<'increase-timeout'>, s: FormState): Step {
  const current = s.timeoutMs && s.timeoutMs > 0 ? s.timeoutMs : DEFAULT_TIMEOUT_MS;
  const timeoutMs = Math.min(MAX_TIMEOUT_MS, Math.max(fix.params.seconds * 1000, current));
  if (timeoutMs <= current) return `The check already waits ${Math.round(current / 1000)} seconds, the most this fix allows. A server this slow needs its administrator to look at it.`;
  return { patch: { timeoutMs }, changes: [`Time allowed: ${Math.round(current / 1000)} s → ${Math.round(timeoutMs / 1000)} s`] };
}

const CATEGORY_WORDS: Record<string, string> = { kex: 'key exchange', serverHostKey: 'server key type', cipher: 'encryption', mac: 'integrity check', compression: 'compression' };

function legacy(fix: FixOf<'allow-legacy-algorithms'>, s: FormState): Step {
  const current = s.legacyAlgorithms ?? [];
  const { algorithms, categories, risks } = fix.params;
  const added = algorithms.map((a, i) => ({ a, category: categories[i], risk: risks[i] || algorithmRisk(a) })).filter((x) => !current.includes(x.a));
  if (!added.length) return 'These algorithms are already allowed for this attempt. The server still refused; read the evidence for what else differs.';
  const named = (x: (typeof added)[number]) => (x.category ? `${x.a} (${CATEGORY_WORDS[x.category] ?? x.category})` : x.a);
  return {
    patch: { legacyAlgorithms: [...current, ...added.map((x) => x.a)] },
    changes: [`Allow ${added.length === 1 ? 'this weak algorithm' : 'these weak algorithms'} for this site only: ${added.map(named).join(', ')}`],
    notes: [...added.map((x) => `${x.a}: ${x.risk}`), 'Each is the least weak one the server accepts; every other site keeps the modern defaults. Best: ask the administrator to enable modern algorithms, then remove these from the site.'],
  };
}

function step(fix: FormFix, s: FormState): Step {
  switch (fix.id) {
    case 'split-host-field':
      return splitHost(fix, s);
    case 'trim-whitespace':
      return trim(fix, s);
    case 'use-port':
      return { patch: { port: fix.params.port }, changes: [`Port: ${portText(s.port)} → ${fix.params.port}`] };
    case 'use-dns-suggestion':
      return { patch: { host: fix.params.host }, changes: [`Host: ${show(s.host)} → "${fix.params.host}"`] };
    case 'increase-timeout':
      return longerTimeout(fix, s);
    case 'allow-legacy-algorithms':
      return legacy(fix, s);
    case 'connect-once':
      return {
        patch: { acceptHostKey: fix.params.sha256 },
        changes: [`Accept the server key ${fix.params.sha256} for the next attempt only (nothing is saved: next time you will be asked again)`],
        notes: ['Only do this if you have reason to trust the network you are on; the key is not compared with anything.'],
      };
    case 'choose-private-key':
      return { patch: { privateKey: { path: fix.params.path } }, changes: [`Private key: ${show(s.privateKey?.path)} → "${fix.params.path}"`] };
    case 'identities-only':
      return { patch: { identitiesOnly: true, useAgent: false }, changes: ["Offer only the selected key (identities only); do not offer the key agent's other keys"] };
    case 'use-scp':
      return { patch: { protocol: 'scp' }, changes: [`Protocol: ${s.protocol.toUpperCase()} → SCP`], notes: ['SCP copies files but cannot list folders, rename or resume; programs like WinSCP still work with it.'] };
    case 'keepalive': {
      const n = fix.params.seconds;
      return { patch: { keepaliveSeconds: n }, changes: [`Send a keepalive every ${n} second${n === 1 ? '' : 's'} so idle connections are not dropped`] };
    }
    case 'use-rsa-signature':
      return { patch: { rsaSignature: fix.params.algorithm }, changes: [`RSA key signature: ${s.rsaSignature ?? 'automatic'} → ${fix.params.algorithm}`] };
    case 'use-auth-methods': {
      const before = s.authMethods?.length ? s.authMethods.join(', ') : 'all';
      return { patch: { authMethods: [...fix.params.methods] }, changes: [`Login methods: ${before} → ${fix.params.methods.join(', ')}`] };
    }
    case 'fix-pasted-password': {
      const fixed = s.password ? passwordVariant(s.password, fix.params.idea) : null;
      if (fixed === null) return { patch: {}, changes: [] };
      // The value of a secret is never shown; it goes to the next attempt only.
      return { patch: { password: fixed }, changes: [fix.params.idea === 'caps-lock' ? 'Password: upper and lower case swapped (Caps Lock)' : 'Password: look-alike characters replaced by plain ones'] };
    }
    case 'use-user': {
      const user = fix.params.user;
      if (!user || /[\s@:/]/.test(user)) return 'This fix does not name a usable user name. Type the user name the server asked for, then connect again.';
      return { patch: { user }, changes: [`User name: ${show(s.user)} → "${user}"`] };
    }
    case 'use-sftp':
      return { patch: { protocol: 'sftp' }, changes: [`Protocol: ${s.protocol.toUpperCase()} → SFTP`] };
    case 'use-remote-folder': {
      const path = fix.params.path;
      if (!path.trim() || [...path].some((c) => c.charCodeAt(0) < 0x20)) return 'This fix names no usable folder. Type the remote folder in the Advanced settings instead.';
      return { patch: { startPath: path }, changes: [`Remote folder: ${s.startPath ? `"${s.startPath}"` : 'the home folder'} → "${path}" (a test file could be created there)`] };
    }
  }
}

/** Applies a form fix to the attempt's settings; says plainly when there is nothing to change. */
export function applyFormFix(state: FormState, fix: FormFix): FormFixResult {
  const out = step(fix, state);
  if (typeof out === 'string') return { ok: false, message: out };
  const changed = Object.entries(out.patch).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(state[k as keyof FormState]));
  if (!changed.length) return { ok: false, message: 'The form already has these values, so this fix has nothing to change. Read the diagnosis again for what else to check.' };
  return { ok: true, patch: Object.fromEntries(changed) as FormPatch, changes: out.changes, notes: out.notes ?? [] };
}

/** The parts of a patch a saved site keeps (no secrets, no one-time host key). */
export function sitePatch(patch: FormPatch): Omit<FormPatch, 'password' | 'passphrase' | 'acceptHostKey'> {
  const { password: _p, passphrase: _q, acceptHostKey: _a, ...rest } = patch;
  return rest;
}

