/**
 * A small, strict-but-forgiving XML reader for configuration files such as FileZilla's
 * sitemanager.xml. No DTDs or custom entities (a file with a DOCTYPE is refused, so nothing can
 * expand), no namespaces, no network. On a syntax error it stops, reports the line, and returns
 * what was read up to there with the unfinished elements marked `incomplete`.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
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

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const MAX_DEPTH = 256;

export function isElement(node: XmlNode): node is XmlElement {
  return 'name' in node;
}

/** Child elements with this name. */
export function childElements(el: XmlElement, name?: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => isElement(c) && (name === undefined || c.name === name));
}

/** The text directly inside an element (not in its children). */
export function ownText(el: XmlElement): string {
  return el.children
    .filter((c): c is XmlText => !isElement(c))
    .map((c) => c.text)
    .join('');
}

/** The text of the first child element with this name, or undefined when there is none. */
export function childText(el: XmlElement, name: string): string | undefined {
  const c = childElements(el, name)[0];
  return c ? ownText(c) : undefined;
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

export function parseXml(input: string, options: XmlParseOptions = {}): XmlParseResult {
  const text = input.replace(/^\uFEFF/, '');
  // Line numbers: offsets of line starts, searched when needed.
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const lineAt = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };

  let root: XmlElement | null = null;
  const stack: XmlElement[] = [];
  let pos = 0;

  const readName = (): string => {
    NAME.lastIndex = pos;
    const m = NAME.exec(text);
    if (!m) throw new XmlSyntaxError('a tag or attribute name was expected here', pos);
    pos += m[0].length;
    return m[0];
  };
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const addText = (t: string, at: number) => {
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push({ text: decodeEntities(t, at), line: lineAt(at) });
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
      if (text.startsWith('<!--', pos)) {
        const end = text.indexOf('-->', pos + 4);
        if (end < 0) throw new XmlSyntaxError('a comment (<!--) is never closed', pos);
        pos = end + 3;
      } else if (text.startsWith('<![CDATA[', pos)) {
        const end = text.indexOf(']]>', pos + 9);
        if (end < 0) throw new XmlSyntaxError('a CDATA section is never closed', pos);
        const parent = stack[stack.length - 1];
        if (!parent) throw new XmlSyntaxError('CDATA outside the document element', pos);
        parent.children.push({ text: text.slice(pos + 9, end), line: lineAt(pos) });
        pos = end + 3;
      } else if (text.startsWith('<?', pos)) {
        const end = text.indexOf('?>', pos + 2);
        if (end < 0) throw new XmlSyntaxError('a <? ... ?> declaration is never closed', pos);
        pos = end + 2;
      } else if (text.startsWith('<!', pos)) {
        throw new XmlSyntaxError('document type declarations (<!DOCTYPE ...>) are not accepted in this file', pos);
      } else if (text.startsWith('</', pos)) {
        const at = pos;
        pos += 2;
        const name = readName();
        skipSpace();
        if (text[pos] !== '>') throw new XmlSyntaxError(`the closing tag </${name}> is not finished with ">"`, at);
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
        const el: XmlElement = { name: readName(), attrs: {}, children: [], line: lineAt(at) };
        let selfClosing = false;
        for (;;) {
          skipSpace();
          if (text.startsWith('/>', pos)) {
            pos += 2;
            selfClosing = true;
            break;
          }
          if (text[pos] === '>') {
            pos++;
            break;
          }
          if (pos >= text.length) throw new XmlSyntaxError(`the tag <${el.name}> is never finished`, at);
          const attr = readName();
          skipSpace();
          if (text[pos] !== '=') throw new XmlSyntaxError(`the attribute ${attr} has no value`, pos);
          pos++;
          skipSpace();
          const quote = text[pos];
          if (quote !== '"' && quote !== "'") throw new XmlSyntaxError(`the value of ${attr} is not in quotes`, pos);
          const end = text.indexOf(quote, pos + 1);
          if (end < 0) throw new XmlSyntaxError(`the value of ${attr} is never closed`, pos);
          el.attrs[attr] = decodeEntities(text.slice(pos + 1, end), pos);
          pos = end + 1;
        }
        const parent = stack[stack.length - 1];
        if (options.stopBefore?.(el, parent)) return { root, stoppedAt: el };
        if (parent) parent.children.push(el);
        else if (root) throw new XmlSyntaxError('there is a second document element', at);
        else root = el;
        if (!selfClosing) {
          if (stack.length >= MAX_DEPTH) throw new XmlSyntaxError('elements are nested too deeply', at);
          stack.push(el);
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
