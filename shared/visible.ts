/**
 * The one sanitizer for text that came from outside (a server, a file, another program) before
 * a terminal, a page or a support bundle shows it: control characters are made visible instead
 * of acting. Pure, linear time, no dependencies (the CLI, the window and the bundle all use it).
 *
 * Made visible: C0 controls and DEL as \xHH (ESC becomes \x1b, so no screen clear, clipboard
 * write (OSC 52), hidden text or cursor games), C1 controls (U+0080-U+009F, which some terminals
 * read as ESC [) and the invisible characters that reorder or hide text (bidi overrides and
 * isolates, zero-width space, line/paragraph separators, BOM) as \uHHHH, which stays valid
 * inside a JSON string.
 */

// C0 except \t and \n, plus CR not followed by LF (a lone CR rewrites the line), DEL, C1, and
// U+061C, U+200B, U+200E-U+200F, U+2028-U+202E, U+2060-U+2069, U+FEFF, U+FFF9-U+FFFB.
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;
// The same, and every line break and tab too (a value that must stay on one line).
// eslint-disable-next-line no-control-regex
const UNSAFE_LINE = /[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

function show(c: string): string {
  const code = c.charCodeAt(0);
  if (code === 0x0a) return '\\n';
  if (code === 0x0d) return '\\r';
  if (code === 0x09) return '\\t';
  if (code < 0x80) return `\\x${code.toString(16).padStart(2, '0')}`;
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/** A block of text (banner, message, file excerpt): keeps line breaks and tabs, shows every other control. */
export function visibleText(text: string): string {
  return text.replace(UNSAFE_TEXT, show);
}

/** A value shown on one line (a name, a host, a prompt): line breaks and tabs are shown too. */
export function visibleLine(text: string): string {
  return text.replace(UNSAFE_LINE, show);
}

/** Whether `text` holds anything `visibleText` would change. */
export function hasHiddenCharacters(text: string): boolean {
  UNSAFE_TEXT.lastIndex = 0;
  const found = UNSAFE_TEXT.test(text);
  UNSAFE_TEXT.lastIndex = 0;
  return found;
}

/**
 * Every string inside a JSON-like value (events, results, replies) made visible as a block of
 * text. Plain objects and arrays are copied; other values pass as they are. Depth is bounded
 * (the values are built by us, but a cycle must not hang a front end).
 */
export function visibleDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return (hasHiddenCharacters(value) ? visibleText(value) : value) as T;
  if (depth > 64 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v: unknown) => visibleDeep(v, depth + 1)) as T;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = visibleDeep(v, depth + 1);
  return out as T;
}

/**
 * What a terminal may receive from the CLI: everything made visible except line breaks, tabs
 * and the one sequence the CLI itself draws with (CR + ESC [K, "back to the start, clear the
 * line"). A last guard at the process's output; values are made visible where they are printed too.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\x1b\[K|\r\n|[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g, (m) => (m.length > 1 ? m : show(m)));
}
