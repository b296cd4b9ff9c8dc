/**
 * The plain-envelope reader against node-soap, its reference: on envelopes generated with
 * every variation a client or an attacker may send (prefixes, declarations, headers, entity
 * and character references, CDATA, comments, attributes, nested, repeated and unknown
 * parameters, junk around the envelope), whenever the reader answers, node-soap's parse of the
 * same text gives the same arguments — and the shapes real clients send are read directly.
 */
import fc from 'fast-check';
import { argumentsOf } from '../../../gateway/soap/service';
import { buildSnapshot, XmlParser } from '../../../gateway/soap/operations';
import { readSimpleEnvelope } from '../../../gateway/soap/simple-envelope';
import { SOAP_NAMESPACE, SOAP_PATH, soapOperations } from '../../../schemas/wsdl';

const ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const OPERATIONS = soapOperations([['getSBJN', ['dwbh', 'nd']]]);

let parser: XmlParser;
beforeAll(async () => {
  parser = (await buildSnapshot('test', OPERATIONS, `http://127.0.0.1${SOAP_PATH}`)).parser;
});

/** node-soap's arguments for the operation, or 'error' when it refuses the text or finds another operation. */
function reference(xml: string, op: string): Record<string, unknown> | 'error' {
  try {
    const body = parser.xmlToObject(xml).Body as Record<string, unknown> | undefined;
    const names = body && typeof body === 'object' ? Object.keys(body).filter((k) => k !== 'attributes') : [];
    if (names.length !== 1 || names[0] !== op) return 'error';
    return argumentsOf(body![op]);
  } catch {
    return 'error';
  }
}

function envelope(op: string, inner: string, o: { env?: string; opPrefix?: string; decl?: boolean; header?: string } = {}): string {
  const env = o.env ?? 'soap';
  const opName = o.opPrefix === '' ? op : `${o.opPrefix ?? 'd'}:${op}`;
  const opNs = o.opPrefix === '' ? `xmlns="${SOAP_NAMESPACE}"` : `xmlns:${o.opPrefix ?? 'd'}="${SOAP_NAMESPACE}"`;
  return (
    (o.decl === false ? '' : '<?xml version="1.0" encoding="utf-8"?>') +
    `<${env}:Envelope xmlns:${env}="${ENV_NS}">${o.header ?? ''}<${env}:Body><${opName} ${opNs}>${inner}</${opName}></${env}:Body></${env}:Envelope>`
  );
}

describe('plain SOAP envelopes read without node-soap', () => {
  it('reads the shapes real clients send, exactly as node-soap does', () => {
    const cases = [
      // the benchmark's and the tests' own client
      envelope('getRKZP', '<xm>孔军</xm><gmsfzh>370306193501010015</gmsfzh>'),
      // zeep: soap-env and ns0 prefixes, no declaration
      `<soap-env:Envelope xmlns:soap-env="${ENV_NS}"><soap-env:Body><ns0:getRKZP xmlns:ns0="${SOAP_NAMESPACE}"><xm>孔军</xm><gmsfzh>370306193501010015</gmsfzh></ns0:getRKZP></soap-env:Body></soap-env:Envelope>`,
      // .NET and Java stacks: declarations of xsi/xsd, an empty header, indentation
      `<?xml version="1.0" encoding="utf-8"?>\n<soap:Envelope xmlns:soap="${ENV_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">\n  <soap:Header/>\n  <soap:Body>\n    <getRKZP xmlns="${SOAP_NAMESPACE}">\n      <xm> 孔军 </xm>\n      <gmsfzh>370306193501010015</gmsfzh>\n    </getRKZP>\n  </soap:Body>\n</soap:Envelope>\n`,
      envelope('getDZZZ', '<zzbh>A&amp;B &lt;1&gt; &#20013;&#x6587; &quot;q&apos;</zzbh><czztdm/><zzlxdm></zzlxdm>', { env: 'SOAP-ENV', decl: false }),
      envelope('getSBJN', '<dwbh>D001</dwbh><nd>2024</nd>'),
      envelope('getRKZP', ''),
      envelope('getRKZP', '', { header: '<soap:Header></soap:Header>' }),
    ];
    for (const xml of cases) {
      const op = /:?(get\w+)/.exec(xml.slice(xml.indexOf('Body')))![1];
      const fast = readSimpleEnvelope(xml, op, OPERATIONS.get(op)!);
      expect([xml, fast]).toEqual([xml, reference(xml, op)]);
    }
    expect(readSimpleEnvelope(cases[0], 'getRKZP', OPERATIONS.get('getRKZP')!)).toEqual({ xm: '孔军', gmsfzh: '370306193501010015' });
    expect(readSimpleEnvelope(cases[3], 'getDZZZ', OPERATIONS.get('getDZZZ')!)).toEqual({ zzbh: 'A&B <1> 中文 "q\'', czztdm: '', zzlxdm: '' });
  });

  it('leaves every other shape to node-soap', () => {
    const params = OPERATIONS.get('getRKZP')!;
    const declined = [
      envelope('getRKZP', '<xm><![CDATA[孔军]]></xm>'),
      envelope('getRKZP', '<xm>孔<!-- c -->军</xm>'),
      envelope('getRKZP', '<xm xsi:type="xsd:string">孔军</xm>'),
      envelope('getRKZP', '<xm><b>孔军</b></xm>'),
      envelope('getRKZP', '<xm>a</xm><xm>b</xm>'),
      envelope('getRKZP', '<zzbh>a</zzbh>'),
      envelope('getRKZP', '<d:xm>a</d:xm>'),
      envelope('getRKZP', '<xm>&nbsp;</xm>'),
      envelope('getRKZP', '<xm>&#1;</xm>'),
      envelope('getRKZP', '<xm>a</xm>', { header: '<soap:Header><t>1</t></soap:Header>' }),
      envelope('getRKZP', '<xm>a</xm>') + '<junk/>',
      envelope('getRKZP', '<xm>a</xm>').replace('<soap:Body>', '<soap:Body soap:encodingStyle="x">'),
      envelope('getRKZP', '<xm>a</xm>').replace('</soap:Envelope>', ''),
      envelope('getRKZP', '<xm>a</xm>').replace('<xm>a</xm>', '<xm>a</xn>'),
      '<!-- lead -->' + envelope('getRKZP', '<xm>a</xm>'),
      // a namespace declaration whose value holds a reference or markup: the parser's to judge
      envelope('getRKZP', '<xm>a</xm>').replace('<soap:Body>', '<soap:Body xmlns:x="a&bogus;">'),
      envelope('getRKZP', '<xm>a</xm>').replace('<soap:Body>', "<soap:Body xmlns:x='<'>"),
    ];
    for (const xml of declined) expect([xml, readSimpleEnvelope(xml, 'getRKZP', params)]).toEqual([xml, null]);
    // the operation asked for must be the one in the body
    expect(readSimpleEnvelope(envelope('getRKHY', '<xm>a</xm>'), 'getRKZP', params)).toBeNull();
  });

  it('agrees with node-soap whenever it answers, on generated envelopes', () => {
    /** mostly the plain choice (the first), so that both branches are taken often */
    const mostly = <T>(plain: T, ...others: T[]) => fc.oneof({ weight: 4 * others.length, arbitrary: fc.constant(plain) }, ...others.map((o) => ({ weight: 1, arbitrary: fc.constant(o) })));
    const ws = fc.constantFrom('', ' ', '\n  ', '\t', '\r\n');
    const word = fc.oneof(
      fc.constantFrom('孔军', '370306193501010015', ' 张 三 ', 'a&amp;b', '&lt;x&gt;', '&#20013;', '&#x4E2D;', '&#x1F600;', '&quot;&apos;', '\u3000全角\u3000', 'x>y', ''),
      fc.constantFrom('&bogus;', '&#0;', '&', '<![CDATA[x]]>', '<!--c-->', '<i>n</i>', ']]>'),
      fc.string({ maxLength: 6 }),
    );
    const text = fc.array(word, { maxLength: 3 }).map((w) => w.join(''));
    const paramName = mostly('xm', 'gmsfzh', 'zzbh', 'd:xm');
    const attr = mostly('', ' xsi:nil="true"', ' a="1"', ' xmlns=""');
    const param = fc.tuple(paramName, attr, text, fc.boolean(), ws).map(([n, a, t, empty, w]) => (empty ? `<${n}${a}/>` : `<${n}${a}>${t}</${n}${w}>`));
    const shape = fc.record({
      params: fc.array(fc.tuple(ws, param), { maxLength: 4 }),
      env: fc.constantFrom('soap', 'SOAP-ENV', 's'),
      opPrefix: fc.constantFrom('d', 'tns', ''),
      decl: fc.boolean(),
      header: mostly('', '<soap:Header/>', '<soap:Header></soap:Header>', '<soap:Header><x/></soap:Header>'),
      lead: mostly('', '\ufeff', '  \n', '<!--x-->'),
      tail: mostly('', '\n', '<x/>', 'junk'),
    });
    let read = 0;
    let left = 0;
    fc.assert(
      fc.property(shape, (s) => {
        const header = s.header.replace(/soap:/g, `${s.env}:`);
        const xml = s.lead + envelope('getRKZP', s.params.map(([w, p]) => w + p).join(''), { env: s.env, opPrefix: s.opPrefix, decl: s.decl, header }) + s.tail;
        const fast = readSimpleEnvelope(xml, 'getRKZP', OPERATIONS.get('getRKZP')!);
        if (fast === null) {
          left++;
          return;
        }
        read++;
        expect([xml, fast]).toEqual([xml, reference(xml, 'getRKZP')]);
      }),
      { numRuns: 3000 },
    );
    // both branches exercised: a generator that only ever declined would prove nothing
    expect(read).toBeGreaterThan(300);
    expect(left).toBeGreaterThan(300);
  });
});
