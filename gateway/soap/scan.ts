/**
 * The SOAP pre-check as one forward scan of the request text: no DTD, a SOAP 1.1 envelope as
 * the document element, and the operation's name (the first element inside Body). Every
 * step moves forward with indexOf or a character loop, so the work is linear in the body's
 * length whatever it holds — the regular expressions this replaces backtracked
 * exponentially on runs of comments and processing instructions, and a blocked event loop
 * cannot be interrupted by the request timeout.
 */
import type { FaultCode } from './faults';

const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';

export type ScanResult = { operation: string } | { fault: FaultCode; reason: string };

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isNameStart = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
const isNameChar = (c: number) => isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d;

function skipSpace(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** Position after the markup opened at i by `open` and closed by `close`, or -1 if unclosed. */
function skipPast(s: string, i: number, open: string, close: string): number {
  const end = s.indexOf(close, i + open.length);
  return end < 0 ? -1 : end + close.length;
}

/** Skips whitespace, comments and processing instructions from i; -1 if one is unclosed. */
function skipMisc(s: string, i: number): number {
  for (;;) {
    i = skipSpace(s, i);
    if (s.startsWith('<!--', i)) i = skipPast(s, i, '<!--', '-->');
    else if (s.startsWith('<?', i)) i = skipPast(s, i, '<?', '?>');
    else return i;
    if (i < 0) return -1;
  }
}

/** `<!DOCTYPE` or `<!ENTITY` anywhere (whitespace allowed after `<!`, any letter case). */
export function declaresDtd(s: string): boolean {
  for (let i = s.indexOf('<!'); i >= 0; i = s.indexOf('<!', i + 2)) {
    const j = skipSpace(s, i + 2);
    const word = s.slice(j, j + 7).toUpperCase();
    if (word === 'DOCTYPE' || word.startsWith('ENTITY')) return true;
  }
  return false;
}

interface Tag {
  /** local name (after any prefix), or null when the name is not an ASCII XML name */
  local: string | null;
  /** position after the tag's `>`, or -1 when the tag is not closed */
  end: number;
  selfClosing: boolean;
  /** the character right after the name (whitespace, `/` or `>` for a proper tag) */
  afterName: number;
}

/** Reads the start tag at i (s[i] === '<'): its name, then to its `>`, honouring quoted values. */
function readStartTag(s: string, i: number): Tag {
  let j = i + 1;
  let nameStart = j;
  if (!isNameStart(s.charCodeAt(j))) return { local: null, end: -1, selfClosing: false, afterName: -1 };
  while (j < s.length && isNameChar(s.charCodeAt(j))) j++;
  if (s.charCodeAt(j) === 0x3a /* : */ && isNameStart(s.charCodeAt(j + 1))) {
    nameStart = ++j;
    while (j < s.length && isNameChar(s.charCodeAt(j))) j++;
  }
  const local = s.slice(nameStart, j);
  const afterName = s.charCodeAt(j);
  let quote = 0;
  for (; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x3e /* > */) return { local, end: j + 1, selfClosing: s.charCodeAt(j - 1) === 0x2f, afterName };
  }
  return { local, end: -1, selfClosing: false, afterName };
}

const endsName = (c: number) => isSpace(c) || c === 0x2f || c === 0x3e;

/** The operation: the first element inside the first Body element, or null. */
function operationName(s: string, from: number): string | null {
  let i = from;
  for (;;) {
    i = s.indexOf('<', i);
    if (i < 0) return null;
    if (s.startsWith('<!--', i)) i = skipPast(s, i, '<!--', '-->');
    else if (s.startsWith('<?', i)) i = skipPast(s, i, '<?', '?>');
    else if (s.startsWith('<![CDATA[', i)) i = skipPast(s, i, '<![CDATA[', ']]>');
    else if (s.startsWith('</', i) || s.startsWith('<!', i)) i += 2;
    else {
      const tag = readStartTag(s, i);
      if (tag.local === null) {
        i += 1; // a `<` that opens no name: text such as `a < b`
        continue;
      }
      if (tag.end < 0) return null;
      i = tag.end;
      if (tag.local !== 'Body' || !endsName(tag.afterName)) continue;
      if (tag.selfClosing) return null;
      const at = skipMisc(s, i);
      if (at < 0 || s.charCodeAt(at) !== 0x3c) return null;
      const op = readStartTag(s, at);
      return op.local !== null && endsName(op.afterName) ? op.local : null;
    }
    if (i < 0) return null;
  }
}

/** The pre-check of a request body, in one linear pass (a few, each linear). */
export function scanSoapRequest(xml: string): ScanResult {
  // refused before any parser sees it: no entity is declared, resolved or expanded
  if (declaresDtd(xml)) return { fault: 'soap:Client', reason: '不接受含 DTD 或实体声明的请求' };
  const rootAt = skipMisc(xml, xml.charCodeAt(0) === 0xfeff ? 1 : 0);
  const root = rootAt >= 0 && xml.charCodeAt(rootAt) === 0x3c ? readStartTag(xml, rootAt) : null;
  if (!root || root.local !== 'Envelope' || !endsName(root.afterName)) return { fault: 'soap:Client', reason: '请求不是 SOAP 信封' };
  const soap11 = xml.includes(SOAP11_NS);
  if (!soap11 && xml.includes(SOAP12_NS)) return { fault: 'soap:VersionMismatch', reason: '仅支持 SOAP 1.1' };
  if (!soap11) return { fault: 'soap:Client', reason: '请求不是 SOAP 1.1 信封' };
  const operation = root.end < 0 ? null : operationName(xml, root.end);
  if (!operation) return { fault: 'soap:Client', reason: '未知的操作' };
  return { operation };
}
