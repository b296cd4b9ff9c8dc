/**
 * The arguments of a request in the plain shape every SOAP client sends — an envelope, an
 * empty header at most, a body holding the operation, the operation holding one element of
 * text per parameter — read in one forward pass. Profiled, node-soap's parse was about a tenth
 * of a SOAP lookup's CPU (its SAX events and schema walk, for a few short strings).
 *
 * It reads only what it is sure of: any other shape (a comment, CDATA, an attribute other
 * than a namespace declaration, a parameter with attributes, children or a repeat, a name the
 * operation does not declare, an entity other than XML's five and character references) gives
 * null, and the caller parses with node-soap, the reference:
 * test/gateway/soap/simple-envelope.test.ts checks on generated envelopes that whenever this
 * answers, node-soap's parse gives the same arguments.
 */

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isNameStart = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
const isNameChar = (c: number) => isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** A reader over the text; every method moves forward or gives up (null / false). */
class Reader {
  i = 0;
  constructor(readonly s: string) {}

  space(): void {
    while (this.i < this.s.length && isSpace(this.s.charCodeAt(this.i))) this.i++;
  }

  /** An ASCII name with at most one prefix (`d:getRKZP`), or null. */
  qname(): string | null {
    const start = this.i;
    if (!isNameStart(this.s.charCodeAt(this.i))) return null;
    while (isNameChar(this.s.charCodeAt(this.i))) this.i++;
    if (this.s.charCodeAt(this.i) === 0x3a /* : */) {
      this.i++;
      if (!isNameStart(this.s.charCodeAt(this.i))) return null;
      while (isNameChar(this.s.charCodeAt(this.i))) this.i++;
    }
    return this.s.slice(start, this.i);
  }

  /**
   * A start tag's attributes up to its end: namespace declarations only (when `xmlnsOnly`) or
   * none. Answers 'open', 'empty' (`/>`) or null.
   */
  tagRest(xmlnsOnly: boolean): 'open' | 'empty' | null {
    const seen = new Set<string>();
    for (;;) {
      const before = this.i;
      this.space();
      const c = this.s.charCodeAt(this.i);
      if (c === 0x3e /* > */) {
        this.i++;
        return 'open';
      }
      if (c === 0x2f /* / */ && this.s.charCodeAt(this.i + 1) === 0x3e) {
        this.i += 2;
        return 'empty';
      }
      if (!xmlnsOnly || this.i === before) return null; // an attribute must follow a space
      const name = this.qname();
      if (name === null || (name !== 'xmlns' && !name.startsWith('xmlns:')) || seen.has(name)) return null;
      seen.add(name);
      this.space();
      if (this.s.charCodeAt(this.i) !== 0x3d /* = */) return null;
      this.i++;
      this.space();
      const quote = this.s.charCodeAt(this.i);
      if (quote !== 0x22 && quote !== 0x27) return null;
      const end = this.s.indexOf(String.fromCharCode(quote), this.i + 1);
      if (end < 0) return null;
      const value = this.s.slice(this.i + 1, end);
      if (value.includes('<') || value.includes('&')) return null;
      this.i = end + 1;
    }
  }

  /** `</name>` (spaces allowed before `>`). */
  endTag(name: string): boolean {
    if (!this.s.startsWith('</', this.i) || !this.s.startsWith(name, this.i + 2)) return false;
    this.i += 2 + name.length;
    this.space();
    if (this.s.charCodeAt(this.i) !== 0x3e) return false;
    this.i++;
    return true;
  }

  /** Text up to the next `<`, its references decoded; null for markup or a reference it does not know. */
  text(): string | null {
    const end = this.s.indexOf('<', this.i);
    if (end < 0) return null;
    const raw = this.s.slice(this.i, end);
    this.i = end;
    if (raw.includes(']]>')) return null;
    // characters XML 1.0 does not allow; the parser may take them its own way
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/.test(raw)) return null;
    if (!raw.includes('&')) return raw;
    let out = '';
    let from = 0;
    for (let amp = raw.indexOf('&'); amp >= 0; amp = raw.indexOf('&', from)) {
      const semi = raw.indexOf(';', amp);
      if (semi < 0) return null;
      const ref = raw.slice(amp + 1, semi);
      let ch: string | undefined;
      if (/^#[0-9]{1,7}$/.test(ref)) ch = codePoint(Number(ref.slice(1)));
      else if (/^#x[0-9A-Fa-f]{1,6}$/.test(ref)) ch = codePoint(parseInt(ref.slice(2), 16));
      else ch = Object.hasOwn(ENTITIES, ref) ? ENTITIES[ref] : undefined;
      if (ch === undefined) return null;
      out += raw.slice(from, amp) + ch;
      from = semi + 1;
    }
    return out + raw.slice(from);
  }
}

/** A character reference's character, when it is one XML allows (and not a control one). */
function codePoint(n: number): string | undefined {
  if (n < 0x20 ? n !== 0x09 && n !== 0x0a && n !== 0x0d : (n >= 0xd800 && n <= 0xdfff) || n === 0xfffe || n === 0xffff || n > 0x10ffff) return undefined;
  return String.fromCodePoint(n);
}

const localOf = (qname: string) => qname.slice(qname.indexOf(':') + 1);

/** The element at the reader (after spaces): its name if its local part is `local`, else null. */
function startOf(r: Reader, local: string | null): string | null {
  r.space();
  if (r.s.charCodeAt(r.i) !== 0x3c /* < */) return null;
  r.i++;
  const name = r.qname();
  return name !== null && (local === null || localOf(name) === local) ? name : null;
}

/**
 * The operation's arguments (each parameter's text, trimmed as node-soap trims it; absent
 * parameters absent), or null when the request is not of the plain shape.
 * `params`: the names the operation declares (its WSDL).
 */
export function readSimpleEnvelope(xml: string, operation: string, params: readonly string[]): Record<string, string> | null {
  const r = new Reader(xml);
  if (xml.charCodeAt(0) === 0xfeff) r.i = 1;
  r.space();
  if (xml.startsWith('<?xml', r.i)) {
    const end = xml.indexOf('?>', r.i);
    if (end < 0 || !isSpace(xml.charCodeAt(r.i + 5))) return null;
    r.i = end + 2;
  }
  const envelope = startOf(r, 'Envelope');
  if (envelope === null || r.tagRest(true) !== 'open') return null;
  let body = startOf(r, null);
  if (body === null) return null;
  if (localOf(body) === 'Header') {
    // an empty header only: `<Header/>` or `<Header></Header>`
    const rest = r.tagRest(true);
    if (rest === null) return null;
    if (rest === 'open') {
      r.space();
      if (!r.endTag(body)) return null;
    }
    body = startOf(r, 'Body');
    if (body === null) return null;
  }
  if (localOf(body) !== 'Body' || r.tagRest(true) !== 'open') return null;
  const op = startOf(r, operation);
  if (op === null) return null;
  const args: Record<string, string> = {};
  const opRest = r.tagRest(true);
  if (opRest === null) return null;
  if (opRest === 'open') {
    for (;;) {
      r.space();
      if (xml.startsWith('</', r.i)) break;
      const param = startOf(r, null);
      // a declared name (none has a prefix), once
      if (param === null || !params.includes(param) || Object.hasOwn(args, param)) return null;
      const rest = r.tagRest(false);
      if (rest === null) return null;
      if (rest === 'empty') {
        args[param] = '';
        continue;
      }
      const text = r.text();
      if (text === null || !r.endTag(param)) return null;
      args[param] = text.trim();
    }
    if (!r.endTag(op)) return null;
  }
  r.space();
  if (!r.endTag(body)) return null;
  r.space();
  if (!r.endTag(envelope)) return null;
  r.space();
  return r.i === xml.length ? args : null;
}
