/**
 * PuTTY's and WinSCP's algorithm preference lists (KEX=, Cipher=, HostKey=) -> the weak
 * algorithms a site allows, as OpenSSH's "KexAlgorithms +..." lines are mapped.
 *
 * Both tools keep one list per kind, with names of their own ("dh-group1-sha1", "3des", "dsa")
 * and a "WARN" marker: what stands above it is used without asking, what stands below it is used
 * only after the user accepts a warning. Each tool's default list already allows a few weak
 * algorithms above WARN (3DES, DSA host keys) for old servers; like OpenSSH's own defaults,
 * those are not carried over unless the session's list shows the user chose them: a weak
 * algorithm is carried over when the session puts it above WARN although the default puts it
 * below, or when it is placed before a strong one (the user moved it up). Weak algorithms
 * SFTP Doctor cannot use (single DES, Blowfish, Arcfour, RSA key exchange) are named in the
 * site's notes as not carried over.
 */
import { LEGACY_ALGORITHMS } from '../diagnose/algorithms';

type Kind = 'hostKey' | 'kex' | 'cipher';

interface ToolAlgorithm {
  /** Weak: only allowed by a site's legacy algorithms here. */
  weak: boolean;
  /** The SSH names it stands for that SFTP Doctor can allow (empty: it cannot use it). */
  names: string[];
  /** Above WARN in PuTTY's and WinSCP's default list. */
  allowedByDefault?: boolean;
  /** How the notes name it. */
  label: string;
}

const strong = (label: string): ToolAlgorithm => ({ weak: false, names: [], label });

/** The names PuTTY writes (WinSCP uses PuTTY's code and the same names). */
const TOOL_ALGORITHMS: Record<Kind, Record<string, ToolAlgorithm>> = {
  hostKey: {
    ed25519: strong('Ed25519'),
    ed448: strong('Ed448'),
    ecdsa: strong('ECDSA'),
    rsa: strong('RSA'),
    dsa: { weak: true, names: ['ssh-dss'], allowedByDefault: true, label: 'DSA host keys (ssh-dss)' },
    dss: { weak: true, names: ['ssh-dss'], allowedByDefault: true, label: 'DSA host keys (ssh-dss)' },
  },
  kex: {
    'ntru-curve25519': strong('NTRU Prime / Curve25519'),
    'mlkem-curve25519': strong('ML-KEM / Curve25519'),
    'mlkem-nist': strong('ML-KEM / NIST curves'),
    ecdh: strong('ECDH'),
    // These two names cover a SHA-256 variant too, which is a default here: nothing to carry.
    'dh-gex-sha1': strong('Diffie-Hellman group exchange'),
    'dh-group14-sha1': strong('Diffie-Hellman group 14'),
    'dh-group15-sha512': strong('Diffie-Hellman group 15'),
    'dh-group16-sha512': strong('Diffie-Hellman group 16'),
    'dh-group17-sha512': strong('Diffie-Hellman group 17'),
    'dh-group18-sha512': strong('Diffie-Hellman group 18'),
    'dh-group1-sha1': { weak: true, names: ['diffie-hellman-group1-sha1'], label: 'Diffie-Hellman group 1 (diffie-hellman-group1-sha1)' },
    rsa: { weak: true, names: [], allowedByDefault: true, label: 'RSA key exchange' },
  },
  cipher: {
    aes: strong('AES'),
    chacha20: strong('ChaCha20'),
    aesgcm: strong('AES-GCM'),
    '3des': { weak: true, names: ['3des-cbc'], allowedByDefault: true, label: '3DES (3des-cbc)' },
    des: { weak: true, names: [], label: 'single DES' },
    blowfish: { weak: true, names: [], label: 'Blowfish' },
    arcfour: { weak: true, names: [], label: 'Arcfour (RC4)' },
  },
};

const KIND_LABEL: Record<Kind, string> = { hostKey: 'host key', kex: 'key exchange', cipher: 'cipher' };
const LEGACY_KIND: Record<Kind, keyof typeof LEGACY_ALGORITHMS> = { hostKey: 'serverHostKey', kex: 'kex', cipher: 'cipher' };

export interface ToolAlgorithmLists {
  /** HostKey= */
  hostKey?: string | undefined;
  /** KEX= */
  kex?: string | undefined;
  /** Cipher= */
  cipher?: string | undefined;
}

export interface MappedAlgorithms {
  /** Weak SSH algorithm names to allow for the site (in the order host key, kex, cipher). */
  legacy: string[];
  notes: string[];
}

/**
 * Maps a session's preference lists. `tool` names the program in the notes ("PuTTY", "WinSCP").
 * Lists longer than any real one (a damaged value) are cut at 64 names.
 */
export function mapToolAlgorithms(tool: string, lists: ToolAlgorithmLists): MappedAlgorithms {
  const legacy: string[] = [];
  const notCarried: string[] = [];
  const unknown: string[] = [];
  for (const kind of ['hostKey', 'kex', 'cipher'] as const) {
    const raw = lists[kind];
    if (raw === undefined || raw.trim() === '') continue;
    const names = raw
      .split(',')
      .map((n) => n.trim().toLowerCase())
      .filter((n) => n !== '')
      .slice(0, 64);
    const warnAt = names.indexOf('warn');
    const allowed = warnAt < 0 ? names : names.slice(0, warnAt);
    allowed.forEach((name, i) => {
      const alg = TOOL_ALGORITHMS[kind][name];
      if (!alg) {
        const label = `${KIND_LABEL[kind]} "${name}"`;
        if (!unknown.includes(label)) unknown.push(label);
        return;
      }
      if (!alg.weak) return;
      const movedUp = allowed.slice(i + 1).some((later) => TOOL_ALGORITHMS[kind][later]?.weak === false);
      if (alg.allowedByDefault && !movedUp) return;
      if (alg.names.length === 0) {
        if (!notCarried.includes(alg.label)) notCarried.push(alg.label);
        return;
      }
      for (const n of alg.names) if (LEGACY_ALGORITHMS[LEGACY_KIND[kind]].includes(n) && !legacy.includes(n)) legacy.push(n);
    });
  }
  const notes: string[] = [];
  if (notCarried.length > 0) {
    notes.push(`Not carried over: ${notCarried.join(', ')}. ${tool} was set to use ${notCarried.length === 1 ? 'it' : 'them'} without a warning, but SFTP Doctor cannot use ${notCarried.length === 1 ? 'it' : 'them'}; a server that offers nothing stronger cannot be checked here.`);
  }
  if (unknown.length > 0) notes.push(`${tool}'s algorithm lists name ${unknown.join(', ')}, which SFTP Doctor does not know; ignored.`);
  return { legacy, notes };
}
