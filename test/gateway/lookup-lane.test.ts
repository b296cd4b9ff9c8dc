/**
 * The lookup lane against its reference. Every request below is sent twice: on the exact
 * path, which the lane answers itself, and on the same path in other letter case, which only
 * express's routes match (they ignore case) — the answers must agree: status, body, the
 * headers that matter. laneTakes is checked on the same requests, so the first of each pair
 * really is the lane's. SQLite only: it is the HTTP edge that is compared, not the storage.
 */
import http from 'node:http';
import { laneTakes } from '../../gateway/lookup-lane';
import { SOAP_NAMESPACE, SOAP_PATH } from '../../schemas/wsdl';
import { testGateway, TestGateway } from '../support/gateway';

const LIMIT = 4096;

interface Sent {
  path: string;
  headers: Record<string, string>;
  /** one chunk, or several sent with Transfer-Encoding: chunked */
  body: Buffer | Buffer[];
}

interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function send(base: string, req: Sent): Promise<Got> {
  return new Promise((resolve, reject) => {
    const chunked = Array.isArray(req.body);
    const headers = chunked ? req.headers : { ...req.headers, 'content-length': String((req.body as Buffer).length) };
    const r = http.request(base + req.path, { method: 'POST', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
    });
    r.on('error', reject);
    if (chunked) for (const part of req.body as Buffer[]) r.write(part);
    r.end(chunked ? undefined : req.body);
  });
}

/** the same path in other letter case: express's routes match it, the lane does not */
const otherCase = (path: string) => path.replace('/dprs/', '/DPRS/');

const FIXED_HEADERS = ['content-type', 'cache-control', 'content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'cross-origin-opener-policy', 'cross-origin-resource-policy'];

describe('lookup lane (sqlite)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await testGateway('sqlite', { env: { BODY_LIMIT_BYTES: String(LIMIT) } });
  });
  afterAll(() => gw.close());

  const json = (body: string | Buffer | Buffer[], extra: Record<string, string> = {}, method = 'getRKZP'): Sent => ({
    path: `/dprs/api/${method}`,
    headers: { ...gw.headers, 'content-type': 'application/json', ...extra },
    body: typeof body === 'string' ? Buffer.from(body) : body,
  });
  const envelope = (inner: string) =>
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:d="${SOAP_NAMESPACE}"><soap:Body>${inner}</soap:Body></soap:Envelope>`;
  const soap = (body: string, extra: Record<string, string> = {}): Sent => ({
    path: SOAP_PATH,
    headers: { ...gw.headers, 'content-type': 'text/xml; charset=utf-8', ...extra },
    body: Buffer.from(body),
  });
  const person = () => ({ xm: gw.fx.alice.xm, gmsfzh: gw.fx.alice.gmsfzh });

  async function bothWays(req: Sent): Promise<Got> {
    expect(laneTakes({ method: 'POST', url: req.path, headers: { ...req.headers, 'content-length': '1' } })).not.toBeNull();
    expect(laneTakes({ method: 'POST', url: otherCase(req.path), headers: { ...req.headers, 'content-length': '1' } })).toBeNull();
    const lane = await send(gw.base, req);
    const reference = await send(gw.base, { ...req, path: otherCase(req.path) });
    expect({ status: lane.status, body: lane.body }).toEqual({ status: reference.status, body: reference.body });
    for (const h of FIXED_HEADERS) expect([h, lane.headers[h]]).toEqual([h, reference.headers[h]]);
    expect(lane.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    return lane;
  }

  it.each([
    ['a lookup that finds its person', () => json(JSON.stringify(person()))],
    ['a body in parts (chunked)', () => json([Buffer.from('{"xm":'), Buffer.from(JSON.stringify(person().xm) + ',"gmsfzh":'), Buffer.from(JSON.stringify(person().gmsfzh) + '}')])],
    ['a byte-order mark, blanks and an explicit UTF-8 charset', () => json('\ufeff \n\t' + JSON.stringify(person()), { 'content-type': 'application/json; charset="UTF-8"' })],
    ['no Content-Type at all', () => ({ ...json(JSON.stringify(person())), headers: { ...gw.headers } })],
    ['an empty body (parameters missing)', () => json('')],
    ['an array', () => json(' [1, 2]')],
    ['a string', () => json('"370306193501010015"')],
    ['a number', () => json('42')],
    ['broken JSON', () => json('{"xm": ')],
    ['bytes that are not UTF-8', () => json(Buffer.concat([Buffer.from('{"xm":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('","gmsfzh":"1"}')]))],
    ['a body over the limit', () => json(JSON.stringify({ xm: 'x'.repeat(LIMIT), gmsfzh: '1' }))],
    ['a body over the limit, sent chunked', () => json([Buffer.from('{"xm":"'), Buffer.from('x'.repeat(LIMIT)), Buffer.from('"}')])],
    ['no token: refused before the body is read', () => ({ ...json('{not even json'), headers: { 'content-type': 'application/json', 'x-purpose': gw.headers['x-purpose'] } })],
    ['a token that does not verify', () => json(JSON.stringify(person()), { authorization: 'Bearer abc.def.ghi' })],
    ['no purpose', () => ({ ...json(JSON.stringify(person())), headers: { authorization: gw.headers.authorization, 'content-type': 'application/json' } })],
    ['an unknown method', () => json(JSON.stringify(person()), {}, 'getNothing')],
    ['a query string beside the body', () => ({ ...json(JSON.stringify(person())), path: '/dprs/api/getRKZP?gmsfzh=1' })],
  ])('JSON: %s', async (_name, make) => {
    await bothWays(make());
  });

  it('JSON: the answers carry what they should (the comparison is not of two failures)', async () => {
    const found = await bothWays(json(JSON.stringify(person())));
    expect(found.status).toBe(200);
    expect(JSON.parse(found.body).data[0].XM).toBe(person().xm);
    const tooLarge = await bothWays(json(JSON.stringify({ xm: 'x'.repeat(LIMIT) })));
    expect(JSON.parse(tooLarge.body)).toMatchObject({ result_code: '400', msg: expect.stringContaining('请求体过大') });
    const notJson = await bothWays(json('"x"'));
    expect(JSON.parse(notJson.body).msg).toContain('请求体不是合法的JSON');
    const array = await bothWays(json('[]'));
    expect(JSON.parse(array.body).msg).toContain('请求体须为JSON对象');
    const empty = await bothWays(json(''));
    expect(JSON.parse(empty.body).result_code).toBe('400');
    expect(empty.body).not.toContain('JSON');
  });

  it.each([
    ['a lookup that finds its person', () => soap(envelope(`<d:getRKZP><xm>${person().xm}</xm><gmsfzh>${person().gmsfzh}</gmsfzh></d:getRKZP>`))],
    ['no token', () => ({ ...soap(envelope('<d:getRKZP><xm>x</xm></d:getRKZP>')), headers: { 'content-type': 'text/xml' } })],
    ['malformed XML', () => soap(envelope('<d:getRKZP><xm>x</d:getRKZP>'))],
    ['a DTD', () => soap('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>' + envelope('<d:getRKZP/>').replace('<?xml version="1.0" encoding="utf-8"?>', ''))],
    ['two operations', () => soap(envelope('<d:getRKZP><xm>x</xm></d:getRKZP><d:getRKHY><xm>x</xm></d:getRKHY>'))],
    ['an unknown operation', () => soap(envelope('<d:getNothing/>'))],
    ['an empty body', () => soap('')],
    ['a body over the limit', () => soap(envelope(`<d:getRKZP><xm>${'x'.repeat(LIMIT)}</xm></d:getRKZP>`))],
    ['not XML at all', () => soap('{"xm": 1}')],
  ])('SOAP: %s', async (_name, make) => {
    await bothWays(make());
  });

  it('SOAP: the answers carry what they should', async () => {
    const found = await bothWays(soap(envelope(`<d:getRKZP><xm>${person().xm}</xm><gmsfzh>${person().gmsfzh}</gmsfzh></d:getRKZP>`)));
    expect(found.status).toBe(200);
    expect(found.body).toContain(person().gmsfzh);
    const tooLarge = await bothWays(soap(envelope(`<d:getRKZP><xm>${'x'.repeat(LIMIT)}</xm></d:getRKZP>`)));
    expect(tooLarge.status).toBe(500);
    expect(tooLarge.body).toContain('请求体过大');
  });

  it('leaves to express what it does not take: other methods, compressed bodies, other charsets, the token path, no body', () => {
    const h = { 'content-length': '10' };
    expect(laneTakes({ method: 'POST', url: '/dprs/api/getRKZP', headers: h })).toEqual({ kind: 'json', method: 'getRKZP' });
    expect(laneTakes({ method: 'POST', url: SOAP_PATH, headers: { 'transfer-encoding': 'chunked' } })).toEqual({ kind: 'soap' });
    expect(laneTakes({ method: 'POST', url: '/dprs/api/getRKZP', headers: { ...h, 'content-encoding': ' Identity ' } })).not.toBeNull();
    expect(laneTakes({ method: 'GET', url: '/dprs/api/getRKZP', headers: h })).toBeNull();
    expect(laneTakes({ method: 'POST', url: '/dprs/api/getRKZP', headers: {} })).toBeNull();
    expect(laneTakes({ method: 'POST', url: '/dprs/api/getRKZP', headers: { 'content-length': 'ten' } })).toBeNull();
    expect(laneTakes({ method: 'POST', url: '/dprs/api/getRKZP', headers: { ...h, 'content-encoding': 'gzip' } })).toBeNull();
    expect(laneTakes({ method: 'POST', url: SOAP_PATH, headers: { ...h, 'content-encoding': 'deflate' } })).toBeNull();
    expect(laneTakes({ method: 'POST', url: '/dprs/api/getRKZP', headers: { ...h, 'content-type': 'application/json; charset=utf-16' } })).toBeNull();
    expect(laneTakes({ method: 'POST', url: '/dprs/api/getRKZP', headers: { ...h, 'content-type': 'application/json; charset=latin1' } })).toBeNull();
    expect(laneTakes({ method: 'POST', url: SOAP_PATH, headers: { ...h, 'content-type': 'text/xml; charset=gbk' } })).toEqual({ kind: 'soap' });
    expect(laneTakes({ method: 'POST', url: '/dprs/api/token', headers: h })).toBeNull();
    expect(laneTakes({ method: 'POST', url: '/dprs/api/getRKZP/', headers: h })).toBeNull();
    expect(laneTakes({ method: 'POST', url: '/dprs/api/get%52KZP', headers: h })).toBeNull();
    expect(laneTakes({ method: 'POST', url: '/dprs/api/openapi.json', headers: h })).toBeNull();
    expect(laneTakes({ method: 'POST', url: '/dprs/api/a/b', headers: h })).toBeNull();
    expect(laneTakes({ method: 'POST', url: `${SOAP_PATH}/x`, headers: h })).toBeNull();
  });

  it('a compressed lookup (left to express) is still answered', async () => {
    const zlib = await import('node:zlib');
    const r = await send(gw.base, { ...json(zlib.gzipSync(JSON.stringify(person()))), headers: { ...json('').headers, 'content-encoding': 'gzip' } });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).data[0].XM).toBe(person().xm);
  });

  it('a lookup that logs nothing makes no child logger (made per request, it cost ~2.4 KB and the redaction setup each)', async () => {
    const child = jest.spyOn(gw.ctx.log, 'child');
    try {
      for (const req of [json(JSON.stringify(person())), soap(envelope(`<d:getRKZP><xm>${person().xm}</xm><gmsfzh>${person().gmsfzh}</gmsfzh></d:getRKZP>`))]) {
        for (const path of [req.path, otherCase(req.path)]) expect((await send(gw.base, { ...req, path })).status).toBe(200);
      }
      expect(child).not.toHaveBeenCalled();
      // a call that logs (an unknown method is a warning) still gets its request's logger
      expect((await send(gw.base, json(JSON.stringify(person()), {}, 'getNothing'))).status).toBe(404);
      expect(child).toHaveBeenCalledTimes(1);
    } finally {
      child.mockRestore();
    }
  });
});
