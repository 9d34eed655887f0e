/**
 * A small, strict-but-forgiving XML reader for configuration files such as FileZilla's
 * sitemanager.xml. No DTDs or custom entities (a file with a DOCTYPE is refused, so nothing can
 * expand), no namespaces, no network. On a syntax error it stops, reports the line, and returns
 * what was read up to there with the unfinished elements marked `incomplete`.
 */

export interface XmlElement {
  name: string;
  /** Read-only: elements without attributes share one empty object. */
  attrs: Readonly<Record<string, string>>;
  /** Read-only: self-closed elements ("<a/>") share one empty list. */
  children: readonly XmlNode[];
  line: number;
  /** The file ended (or broke) before this element was closed. */
  incomplete?: boolean;
}

export interface XmlText {
  text: string;
  line: number;
}

export type XmlNode = XmlElement | XmlText;

export interface XmlParseResult {
  root: XmlElement | null;
  error?: { line: number; message: string };
  /** Reading stopped before this element because `stopBefore` said so (the rest was not read). */
  stoppedAt?: XmlElement;
}

export interface XmlParseOptions {
  /**
   * Called for each element as it opens; returning true stops reading there (the element is not
   * added, the elements around it are kept as complete). Bounds the work on a huge file.
   */
  stopBefore?: (el: XmlElement, parent: XmlElement | undefined) => boolean;
}

const MAX_DEPTH = 256;

/** Shared by every element without attributes, and by every self-closed element ("<a/>"). */
const NO_ATTRS: Readonly<Record<string, string>> = Object.freeze({});
const NO_CHILDREN: readonly XmlNode[] = Object.freeze([]);

/** An element still being read: its own child list, which the reader appends to. */
type OpenElement = XmlElement & { children: XmlNode[] };

/**
 * The first child gets a list of exactly one (most elements hold one text); a push onto an
 * empty list would reserve 17 slots, which for a million small elements is most of the memory.
 */
function addChild(parent: OpenElement, child: XmlNode): void {
  if (parent.children === NO_CHILDREN) parent.children = [child];
  else parent.children.push(child);
}

export function isElement(node: XmlNode): node is XmlElement {
  return 'name' in node;
}

/** Child elements with this name. */
export function childElements(el: XmlElement, name?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) if (isElement(c) && (name === undefined || c.name === name)) out.push(c);
  return out;
}

/** The text directly inside an element (not in its children). */
export function ownText(el: XmlElement): string {
  let out = '';
  for (const c of el.children) if (!isElement(c)) out += c.text;
  return out;
}

/** The text of the first child element with this name, or undefined when there is none. */
export function childText(el: XmlElement, name: string): string | undefined {
  for (const c of el.children) if (isElement(c) && c.name === name) return ownText(c);
  return undefined;
}

class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Replaces entities with a plain scan from "&" to "&" (no global regex with a callback, which
 * collects every match first: a text of 5 million "&" took seconds before the first error).
 */
function decodeEntities(text: string, at: number): string {
  let amp = text.indexOf('&');
  if (amp < 0) return text;
  const out: string[] = [];
  let from = 0;
  while (amp >= 0) {
    out.push(text.slice(from, amp));
    const semi = text.indexOf(';', amp + 1);
    const body = semi > amp && semi - amp - 1 <= 12 ? text.slice(amp + 1, semi) : null;
    if (body === null || /[&\s]/.test(body)) throw new XmlSyntaxError('a "&" is not followed by a valid entity name and ";" (write &amp; for a literal &)', at + amp);
    const named = NAMED_ENTITIES[body];
    if (named !== undefined) {
      out.push(named);
    } else {
      const num = /^#x([0-9a-fA-F]{1,6})$/.exec(body) ?? /^#([0-9]{1,7})$/.exec(body);
      const code = num ? parseInt(num[1]!, body.startsWith('#x') ? 16 : 10) : -1;
      if (!(code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff))) throw new XmlSyntaxError(`unknown entity "&${body};"`, at + amp);
      out.push(String.fromCodePoint(code));
    }
    from = semi + 1;
    amp = text.indexOf('&', from);
  }
  out.push(text.slice(from));
  return out.join('');
}

/** Characters of a tag or attribute name: letters, digits, "_", ":", "-", "." (not first: digits, "-", "."). */
function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}
/** The characters /\s/ matches (ASCII blanks first; the others are rare). */
function isSpace(c: number): boolean {
  if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) return true;
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

export function parseXml(input: string, options: XmlParseOptions = {}): XmlParseResult {
  const text = input.replace(/^\uFEFF/, '');
  // Line numbers: counted forward from the last offset asked for (nodes are made in file order),
  // jumping from one "\n" to the next, so the whole file costs one pass however many nodes it
  // has. An earlier offset (an error pointing back) counts again from the start, once.
  let lineAtOffset = 0;
  let line = 1;
  let nextNewline = text.indexOf('\n');
  const lineAt = (offset: number): number => {
    if (offset < lineAtOffset) {
      lineAtOffset = 0;
      line = 1;
      nextNewline = text.indexOf('\n');
    }
    while (nextNewline >= 0 && nextNewline < offset) {
      line++;
      nextNewline = text.indexOf('\n', nextNewline + 1);
    }
    lineAtOffset = offset;
    return line;
  };

  let root: XmlElement | null = null;
  const stack: OpenElement[] = [];
  let pos = 0;

  const readName = (): string => {
    const start = pos;
    if (pos < text.length && isNameStart(text.charCodeAt(pos))) {
      pos++;
      while (pos < text.length && isNameChar(text.charCodeAt(pos))) pos++;
    }
    if (pos === start) throw new XmlSyntaxError('a tag or attribute name was expected here', pos);
    return text.slice(start, pos);
  };
  const skipSpace = () => {
    while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++;
  };
  /**
   * Text next to text (split only by a comment or CDATA) joins the text node before it: what it
   * says is the same (ownText joins them), and a file of "x<!---->" repeated makes one node, not
   * a million.
   */
  const pushText = (parent: OpenElement, t: string, at: number) => {
    const last = parent.children[parent.children.length - 1];
    if (last !== undefined && !isElement(last)) last.text += t;
    else addChild(parent, { text: t, line: lineAt(at) });
  };
  const addText = (t: string, at: number) => {
    const parent = stack[stack.length - 1];
    if (parent) pushText(parent, decodeEntities(t, at), at);
    else if (t.trim() !== '') throw new XmlSyntaxError('there is text outside the document element', at);
  };

  try {
    while (pos < text.length) {
      const lt = text.indexOf('<', pos);
      if (lt < 0) {
        addText(text.slice(pos), pos);
        break;
      }
      if (lt > pos) addText(text.slice(pos, lt), pos);
      pos = lt;
      // Dispatch on the character after "<" (one read instead of five string comparisons).
      const next = text.charCodeAt(pos + 1);
      if (next === 0x21 /* ! */ && text.startsWith('<!--', pos)) {
        const end = text.indexOf('-->', pos + 4);
        if (end < 0) throw new XmlSyntaxError('a comment (<!--) is never closed', pos);
        pos = end + 3;
      } else if (next === 0x21 /* ! */ && text.startsWith('<![CDATA[', pos)) {
        const end = text.indexOf(']]>', pos + 9);
        if (end < 0) throw new XmlSyntaxError('a CDATA section is never closed', pos);
        const parent = stack[stack.length - 1];
        if (!parent) throw new XmlSyntaxError('CDATA outside the document element', pos);
        pushText(parent, text.slice(pos + 9, end), pos);
        pos = end + 3;
      } else if (next === 0x3f /* ? */) {
        const end = text.indexOf('?>', pos + 2);
        if (end < 0) throw new XmlSyntaxError('a <? ... ?> declaration is never closed', pos);
        pos = end + 2;
      } else if (next === 0x21 /* ! */) {
        throw new XmlSyntaxError('document type declarations (<!DOCTYPE ...>) are not accepted in this file', pos);
      } else if (next === 0x2f /* / */) {
        const at = pos;
        pos += 2;
        // The usual case, the name of the element it closes, is compared in place (no new string).
        const top = stack[stack.length - 1];
        let name: string;
        if (top !== undefined && text.startsWith(top.name, pos) && !isNameChar(text.charCodeAt(pos + top.name.length))) {
          name = top.name;
          pos += name.length;
        } else {
          name = readName();
        }
        skipSpace();
        if (text.charCodeAt(pos) !== 0x3e /* > */) throw new XmlSyntaxError(`the closing tag </${name}> is not finished with ">"`, at);
        pos++;
        const open = stack.pop();
        if (!open) throw new XmlSyntaxError(`</${name}> closes an element that was never opened`, at);
        if (open.name !== name) {
          stack.push(open);
          throw new XmlSyntaxError(`</${name}> does not match <${open.name}> opened on line ${open.line}`, at);
        }
      } else {
        const at = pos;
        pos++;
        const name = readName();
        let attrs: Record<string, string> | null = null;
        let selfClosing = false;
        for (;;) {
          skipSpace();
          const c = text.charCodeAt(pos);
          if (c === 0x2f /* / */ && text.charCodeAt(pos + 1) === 0x3e /* > */) {
            pos += 2;
            selfClosing = true;
            break;
          }
          if (c === 0x3e /* > */) {
            pos++;
            break;
          }
          if (pos >= text.length) throw new XmlSyntaxError(`the tag <${name}> is never finished`, at);
          const attr = readName();
          skipSpace();
          if (text[pos] !== '=') throw new XmlSyntaxError(`the attribute ${attr} has no value`, pos);
          pos++;
          skipSpace();
          const quote = text[pos];
          if (quote !== '"' && quote !== "'") throw new XmlSyntaxError(`the value of ${attr} is not in quotes`, pos);
          const end = text.indexOf(quote, pos + 1);
          if (end < 0) throw new XmlSyntaxError(`the value of ${attr} is never closed`, pos);
          (attrs ??= {})[attr] = decodeEntities(text.slice(pos + 1, end), pos);
          pos = end + 1;
        }
        // An empty element shares one frozen attribute object and child list: a file of a million
        // "<a/>" is then a million small objects, not three million.
        const open: OpenElement | null = selfClosing ? null : { name, attrs: attrs ?? NO_ATTRS, children: NO_CHILDREN as XmlNode[], line: lineAt(at) };
        const el: XmlElement = open ?? { name, attrs: attrs ?? NO_ATTRS, children: NO_CHILDREN, line: lineAt(at) };
        const parent = stack[stack.length - 1];
        if (options.stopBefore?.(el, parent)) return { root, stoppedAt: el };
        if (parent) addChild(parent, el);
        else if (root) throw new XmlSyntaxError('there is a second document element', at);
        else root = el;
        if (open) {
          if (stack.length >= MAX_DEPTH) throw new XmlSyntaxError('elements are nested too deeply', at);
          stack.push(open);
        }
      }
    }
    if (stack.length > 0) {
      const open = stack[stack.length - 1]!;
      throw new XmlSyntaxError(`the file ends before <${open.name}> (opened on line ${open.line}) is closed`, text.length);
    }
    if (!root) return { root: null, error: { line: 1, message: 'the file has no XML content' } };
    return { root };
  } catch (err) {
    if (!(err instanceof XmlSyntaxError)) throw err;
    for (const open of stack) open.incomplete = true;
    return { root, error: { line: lineAt(Math.min(err.at, text.length)), message: err.message } };
  }
}
