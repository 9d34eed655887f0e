/**
 * Replaces host names, user names, IP addresses and home paths with stable placeholders, the
 * same original always becoming the same placeholder in every file of one bundle:
 *   host names   -> host-1, host-2 ...            (case-insensitive; sub-domains keep their prefix)
 *   user names   -> user-1, user-2 ...            (case-sensitive, whole words; a name that is also a
 *                                                  common word, like "root" or "backup", only where it
 *                                                  stands as a user name: a home folder, NAME@host,
 *                                                  user "NAME", a field holding just the name)
 *   IPv4         -> 203.0.113.1, 203.0.113.2 ...  (TEST-NET-3, then 198.51.100.x)
 *   IPv6         -> 2001:db8::1, 2001:db8::2 ...  (the documentation prefix)
 *   home paths   -> /home/user-N, /Users/user-N, C:\Users\user-N, /root -> /home/user-N
 *   key comments -> comment-1 ...
 * Hashed known_hosts names (|1|salt|hash) are left as they are: they reveal nothing.
 *
 * Use: register the names you know, `collect` every text (to discover addresses and home
 * paths, so numbering follows the order of appearance), then `apply` to each text.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { isCommonWord } from './common-words';

type Kind = 'host' | 'user' | 'ipv4' | 'ipv6' | 'comment';

const V4_OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const V4 = `(?<![0-9A-Za-z.])(?:${V4_OCTET}\\.){3}${V4_OCTET}(?![0-9A-Za-z]|\\.\\d)`;
/** A run of hex digits, colons and dots holding at least two colons: checked with isIPv6. */
const V6_CANDIDATE = '(?<![0-9A-Za-z:.])(?=[0-9A-Fa-f.]*:[0-9A-Fa-f.]*:)[0-9A-Fa-f:.]*[0-9A-Fa-f:](?![0-9A-Za-z:])';
/** Home folders: Linux, macOS, Windows (either slash, doubled backslashes too), root's. */
const HOME = '(?<homePrefix>/home/|/Users/|\\b[A-Za-z]:(?:\\\\{1,2}|/)Users(?:\\\\{1,2}|/))(?<homeName>[^\\\\/\\s"\'<>:;,|*?()[\\]{}]+)|(?<rootHome>(?<![\\w.:/-])/root)(?![\\w.@-])';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class Anonymiser {
  readonly #maps: Record<Kind, Map<string, string>> = { host: new Map(), user: new Map(), ipv4: new Map(), ipv6: new Map(), comment: new Map() };
  /** Addresses seen in the texts: placeholders must never equal one of them. */
  readonly #seenAddresses = new Set<string>();
  #counter: Record<Kind, number> = { host: 0, user: 0, ipv4: 0, ipv6: 0, comment: 0 };
  #regex: RegExp | null = null;
  /** Literal texts (a home folder) replaced whole, before any other rule. */
  readonly #literals = new Map<string, () => string>();
  /** User names that are also common words: replaced only where they stand as user names. */
  readonly #wordUsers = new Set<string>();

  /** A host name as the user typed it or the engine found it. IP addresses are handled on their own. */
  addHost(name: string | null | undefined): void {
    const n = name?.trim().replace(/^\[|\]$/g, '').replace(/\.$/, '');
    if (!n || n.startsWith('|1|')) return;
    if (isIPv4(n) || isIPv6(n)) {
      this.#address(n);
      return;
    }
    if (!/^[A-Za-z0-9._-]+$/.test(n)) {
      // Not a plain name (spaces, a pasted URL...): take it apart and register the pieces.
      this.addHostField(n);
      return;
    }
    this.#add('host', n.toLowerCase());
  }

  addUser(name: string | null | undefined): void {
    const n = name?.trim();
    if (!n || /^(user|host|ip|comment)-\d+$/.test(n)) return;
    if (isCommonWord(n)) {
      if (!this.#wordUsers.has(n)) {
        this.#wordUsers.add(n);
        this.#regex = null;
      }
      return;
    }
    this.#add('user', n);
  }

  /** A free-text key comment: the whole of it becomes comment-N; "user@host" parts are registered too. */
  addComment(comment: string | null | undefined): void {
    const c = comment?.trim();
    if (!c) return;
    const m = /^([^@\s]+)@([^@\s]+)$/.exec(c);
    if (m) {
      this.addUser(m[1]);
      this.addHost(m[2]);
    }
    this.#add('comment', c);
  }

  /** What was typed in a host field: maybe "sftp://user@host:port/path", "user@host", "[v6]:port" or with spaces. */
  addHostField(raw: string | null | undefined): void {
    const text = raw?.trim();
    if (!text) return;
    const url = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(text);
    let rest = url ? url[1]! : text;
    const at = rest.lastIndexOf('@');
    if (at >= 0) {
      this.addUser(decodeSafe(rest.slice(0, at).split(':')[0]!));
      rest = rest.slice(at + 1);
    }
    for (const piece of rest.split(/[\s,/]+/)) {
      let p = piece.trim();
      if (!p) continue;
      const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(p);
      if (bracket) p = bracket[1]!;
      else if (!isIPv6(p)) p = p.replace(/:\d*$/, '');
      p = p.replace(/^\.+|\.+$/g, '');
      if (p && /^[A-Za-z0-9._:-]+$/.test(p)) this.addHost(p);
    }
  }

  /**
   * This computer's home folder, wherever it is (/var/lib/builder, D:\\Home\\x...): written as
   * the home of the user's placeholder. Standard homes (/home/x, /Users/x, C:\\Users\\x, /root)
   * are found by the pattern anyway.
   */
  addHomePath(home: string, user: string | undefined): void {
    const h = home.replace(/[\\/]+$/, '');
    if (h.length < 2) return;
    const placeholderOf = () => `/home/${this.#placeholder('user', user && user.length > 0 ? user : h)}`;
    if (user) this.addUser(user);
    this.#literals.set(h, placeholderOf);
    // The same folder as JSON or a Windows tool writes it (doubled backslashes).
    if (h.includes('\\')) this.#literals.set(h.replaceAll('\\', '\\\\'), placeholderOf);
    this.#regex = null;
  }

  /** Finds addresses and home folders in a text, so they are numbered in order of appearance. */
  collect(text: string): void {
    for (const m of text.matchAll(new RegExp(`${V6_CANDIDATE}|${V4}|${HOME}`, 'g'))) {
      const g = m.groups ?? {};
      if (g.homeName !== undefined) this.addUser(g.homeName);
      else if (g.rootHome !== undefined) this.addUser('root');
      else {
        const candidate = m[0].replace(/\.+$/, '');
        if (isIPv6(candidate) || isIPv4(candidate)) this.#address(candidate);
      }
    }
  }

  /** The text with every known (and every newly seen) name, address and home path replaced. */
  apply(text: string): string {
    // A text that is nothing but a user name (a login name field) is that user.
    const whole = text.trim();
    if (this.#wordUsers.has(whole)) return text.replace(whole, this.#placeholder('user', whole));
    const re = this.#pattern();
    return text.replace(re, (...args: unknown[]) => {
      const match = args[0] as string;
      const groups = args[args.length - 1] as Record<string, string | undefined>;
      if (groups.literal !== undefined) return this.#literals.get(groups.literal)?.() ?? groups.literal;
      if (groups.homeName !== undefined) return `${groups.homePrefix}${this.#placeholder('user', groups.homeName)}`;
      if (groups.rootHome !== undefined) return `/home/${this.#placeholder('user', 'root')}`;
      if (groups.comment !== undefined) return this.#placeholder('comment', groups.comment);
      if (groups.host !== undefined) return this.#placeholder('host', groups.host.toLowerCase());
      if (groups.user !== undefined) return this.#placeholder('user', groups.user);
      if (groups.atUser !== undefined) return this.#placeholder('user', groups.atUser);
      if (groups.namedUser !== undefined) return this.#placeholder('user', groups.namedUser);
      return this.#replaceAddress(match);
    });
  }

  /** How many distinct originals of each kind were replaced (for tests and the README). */
  counts(): Record<Kind, number> {
    return { ...this.#counter };
  }

  #replaceAddress(match: string): string {
    const trailing = /\.+$/.exec(match)?.[0] ?? '';
    const candidate = match.slice(0, match.length - trailing.length);
    if (isIPv4(candidate)) return this.#placeholder('ipv4', candidate) + trailing;
    if (isIPv6(candidate) && /[0-9A-Fa-f]/.test(candidate)) return this.#placeholder('ipv6', candidate.toLowerCase()) + trailing;
    // Not an IPv6 address after all (a time, a fingerprint...): it may still hold IPv4 addresses.
    return match.replace(new RegExp(V4, 'g'), (v4) => this.#placeholder('ipv4', v4));
  }

  #address(a: string): void {
    if (isIPv4(a)) {
      this.#seenAddresses.add(a);
      this.#add('ipv4', a);
    } else {
      this.#seenAddresses.add(a.toLowerCase());
      this.#add('ipv6', a.toLowerCase());
    }
  }

  #add(kind: Kind, original: string): void {
    if (!this.#maps[kind].has(original)) {
      this.#maps[kind].set(original, '');
      this.#regex = null;
    }
  }

  #placeholder(kind: Kind, original: string): string {
    const map = this.#maps[kind];
    const existing = map.get(original);
    if (existing) return existing;
    let value: string;
    do {
      const n = ++this.#counter[kind];
      if (kind === 'ipv4') value = n <= 254 ? `203.0.113.${n}` : `198.51.100.${((n - 255) % 254) + 1}`;
      else if (kind === 'ipv6') value = `2001:db8::${n.toString(16)}`;
      else value = `${kind}-${n}`;
    } while (this.#seenAddresses.has(value));
    map.set(original, value);
    return value;
  }

  #pattern(): RegExp {
    if (this.#regex) return this.#regex;
    const alt = (names: Iterable<string>) =>
      [...names]
        .filter((n) => n.length > 0)
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|');
    const parts: string[] = [];
    const literals = alt(this.#literals.keys());
    if (literals) parts.push(`(?<literal>${literals})(?![\\w.-])`);
    parts.push(`(?<addr>${V6_CANDIDATE}|${V4})`, HOME);
    const comments = alt(this.#maps.comment.keys());
    if (comments) parts.push(`(?<comment>${comments})`);
    const hosts = alt(this.#maps.host.keys());
    // Host names are case-insensitive: the pattern spells each letter both ways.
    if (hosts) parts.push(`(?<![A-Za-z0-9_-])(?<host>${caseless(hosts)})(?![A-Za-z0-9_-])`);
    const users = alt(this.#maps.user.keys());
    if (users) parts.push(`(?<![\\p{L}\\p{N}_-])(?<user>${users})(?![\\p{L}\\p{N}_-])`);
    const wordUsers = alt(this.#wordUsers);
    if (wordUsers) {
      // Only as a user name: NAME@host, and after "user" / "user name:" (quoted or not).
      parts.push(`(?<![\\p{L}\\p{N}_.-])(?<atUser>${wordUsers})(?=@[\\p{L}\\p{N}\\[])`);
      parts.push(`(?<=\\b[Uu]ser(?: name)?:? "?)(?<namedUser>${wordUsers})(?![\\p{L}\\p{N}_-])`);
    }
    this.#regex = new RegExp(parts.join('|'), 'gu');
    return this.#regex;
  }
}

function caseless(pattern: string): string {
  return pattern.replace(/[A-Za-z]/g, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Keys whose values are codes or enumerations (a phase, a status, a diagnosis code): left alone
 * when the value looks like a code (letters, digits, '_' and '-' only), so a host called "sftp"
 * cannot turn a phase name into "host-1". Anything with a dot, colon or space is still rewritten.
 */
const FIXED_KEYS = new Set(['code', 'phase', 'status', 'result', 'risk', 'kind', 'family', 'severity', 'format', 'schemaVersion', 'category', 'source', 'id', 'type']);

/** Applies `fn` to every string of a JSON-like value, except under keys that hold codes. */
export function mapStrings<T>(value: T, fn: (s: string) => string, key?: string): T {
  if (typeof value === 'string') return (key !== undefined && FIXED_KEYS.has(key) && /^[A-Za-z0-9_-]{1,64}$/.test(value) ? value : fn(value)) as T;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn, key)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = mapStrings(v, fn, k);
    return out as T;
  }
  return value;
}
