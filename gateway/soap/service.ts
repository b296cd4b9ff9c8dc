/**
 * The WebService (SOAP 1.1, document/literal wrapped) at /dprs/webService/DataService. Thin:
 * each operation hands its arguments and the HTTP headers to the lookup pipeline and puts the
 * envelope JSON into `return` (HTTP 200 for every business outcome).
 *
 * The bearer token is checked first, from the header: without a valid one the body is neither
 * decompressed nor parsed — one linear scan (./scan) of its first 64 kB finds the operation so
 * the caller gets the 401 envelope. With one, the body is buffered with the configured limit,
 * scanned (no DTD: no XXE or entity expansion; a SOAP 1.1 envelope naming a known operation)
 * and read once: in the plain shape clients send, directly (./simple-envelope); in any other,
 * by node-soap's parser for the WSDL, the reference. The answer is written as node-soap
 * writes it (a test compares the bytes). The operations, the WSDL and the parser
 * follow the published catalogue (./operations): a request keeps the snapshot it was checked
 * against; without a token none is read from storage.
 * Everything that is not valid SOAP is a soap:Fault from ./faults, HTTP 500, no stack.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { NextFunction, Request, Response, Router } from 'express';
import type { AppContext } from '../context';
import { answerLookup } from '../pipeline';
import { PURPOSE_HEADER } from '../purpose';
import { USER_ID_HEADER } from '../accounts/user-id';
import { header, RequestScope, sendEnvelope, sendUncached } from '../../core/http';
import { ApiError, errorEnvelope } from '../../core/result-codes';
import { SOAP_PATH } from '../../schemas/wsdl';
import { SoapCatalogue } from './operations';
import { BODY_FAULTS, sendFault, sendServerFault } from './faults';
import { scanSoapRequest } from './scan';
import { readSimpleEnvelope } from './simple-envelope';
import { hasValidToken } from '../auth/tokens';

type XmlObject = Record<string, unknown>;

/**
 * Parameter values from node-soap's object: an element with attributes (xsi:type="xsd:string",
 * xml:lang) arrives as {attributes, $value}, an empty or nil element as {attributes} or null —
 * both become the element's text. Anything with child elements stays an object (a 400).
 */
function textOf(v: unknown): unknown {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'object' || Array.isArray(v)) return v;
  const keys = Object.keys(v).filter((k) => k !== 'attributes');
  if (keys.length === 0) return '';
  const value = (v as XmlObject).$value;
  if (keys.length === 1 && keys[0] === '$value' && (typeof value === 'string' || typeof value === 'number')) return String(value);
  return v;
}

export function argumentsOf(raw: unknown): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (raw === null || typeof raw !== 'object') return args;
  for (const [k, v] of Object.entries(raw as XmlObject)) {
    if (k === 'attributes' || k === '$xml') continue;
    args[k] = textOf(v);
  }
  return args;
}

function operationOf(parsed: XmlObject): string | null {
  const body = parsed.Body;
  if (!body || typeof body !== 'object') return null;
  const names = Object.keys(body).filter((k) => k !== 'attributes');
  return names.length === 1 ? names[0] : null;
}

/** how much of a body without a valid token is scanned for the operation's name */
const UNAUTHENTICATED_SCAN_BYTES = 64 * 1024;

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const RARE_IN_ANSWERS = /[&<>']/;
/**
 * node-soap's escaping of a text value. Every JSON answer is full of quotes and seldom holds
 * anything else to escape: the quotes alone by replaceAll, without a callback per match,
 * took a 600-character answer from 5.7 to 3.2 µs (scratch, BENCHMARKS.md "Round 13").
 */
const xmlText = (s: string) => (RARE_IN_ANSWERS.test(s) ? s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]) : s.replaceAll('"', '&quot;'));

/** An operation's answer, byte for byte as node-soap writes it (test/gateway/soap/soap.test.ts compares). */
export function soapAnswerXml(operation: string, envelope: unknown): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    // two spaces before xmlns:tns, as node-soap writes them
    `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"  xmlns:tns="http://dprs.zhoucun.gov.cn/"><soap:Body>` +
    `<tns:${operation}Response><return>${xmlText(JSON.stringify(envelope))}</return></tns:${operation}Response></soap:Body></soap:Envelope>`
  );
}

/**
 * The SOAP operations over one catalogue snapshot cache: what express's routes and the lookup
 * lane both call once a body has been read.
 */
export class SoapService {
  readonly operations: SoapCatalogue;

  constructor(private readonly ctx: AppContext) {
    this.operations = new SoapCatalogue(ctx.db, ctx.log, ctx.config.publicUrl + SOAP_PATH);
    // the first snapshot is built now, so that the first call finds it ready
    void this.operations.fresh(0);
  }

  /** what every operation does: the lookup pipeline, its envelope as the SOAP answer */
  private async operate(req: IncomingMessage, res: ServerResponse, scope: RequestScope, operation: string, args: Record<string, unknown>): Promise<void> {
    const envelope = await answerLookup(this.ctx, {
      method: operation,
      iface: 'soap',
      params: args,
      authorization: header(req, 'authorization'),
      purposeHeader: header(req, PURPOSE_HEADER),
      userIdHeader: header(req, USER_ID_HEADER),
      scope,
    });
    sendUncached(res, 200, 'text/xml; charset=utf-8', soapAnswerXml(operation, envelope));
  }

  /** Answers a posted body (already read, within the limit); never throws for the caller's mistakes. */
  async answerBody(req: IncomingMessage, res: ServerResponse, scope: RequestScope, body: unknown, authenticated: boolean): Promise<void> {
    if (!Buffer.isBuffer(body) || body.length === 0) return sendFault(res, 'soap:Client', '请求体为空，须为 SOAP 1.1 信封');
    // without a token only the start is looked at: enough to name the operation for the 401
    // envelope, and the work per unauthenticated request stays small whatever follows
    const xml = authenticated ? body.toString('utf8') : body.subarray(0, UNAUTHENTICATED_SCAN_BYTES).toString('utf8');
    const scan = scanSoapRequest(xml);
    if ('fault' in scan) return sendFault(res, scan.fault, scan.reason);
    const named = scan.operation;
    // without a token no storage is touched: the operations as last read
    const snapshot = authenticated ? await this.operations.fresh() : this.operations.current();
    if (!snapshot) return sendFault(res, 'soap:Server', '服务暂不可用');
    if (!snapshot.operations.has(named)) return sendFault(res, 'soap:Client', '未知的操作');
    // the pipeline gives the 401 envelope (and its log line and metric) before touching parameters
    if (!authenticated) return this.operate(req, res, scope, named, {});
    // the plain shape read directly; anything else parsed by node-soap
    const plain = readSimpleEnvelope(xml, named, snapshot.operations.get(named) ?? []);
    if (plain) return this.operate(req, res, scope, named, plain);
    let parsed: XmlObject;
    try {
      parsed = snapshot.parser.xmlToObject(xml);
    } catch {
      return sendFault(res, 'soap:Client', '请求不是合法的XML');
    }
    if (operationOf(parsed) !== named) return sendFault(res, 'soap:Client', 'SOAP Body 须且只能包含一个操作元素');
    await this.operate(req, res, scope, named, argumentsOf((parsed.Body as XmlObject)[named]));
  }
}

/**
 * The SOAP path on express: the WSDL, and every POST the lookup lane leaves to it (a
 * compressed body, say) — the reference the lane is compared against.
 */
export function soapRoutes(ctx: AppContext, service: SoapService): Router {
  const r = Router();
  const limit = ctx.config.bodyLimitBytes;

  r.get(SOAP_PATH, async (req, res) => {
    const wantsWsdl = Object.keys(req.query).some((k) => k.toLowerCase() === 'wsdl');
    if (!wantsWsdl) {
      sendEnvelope(res, errorEnvelope(new ApiError('NOT_FOUND', '请以 POST 提交 SOAP 请求，或以 ?wsdl 获取服务描述', 'path')));
      return;
    }
    // a client reading the WSDL sees the catalogue as it is now (one small query, shared by concurrent readers)
    const snapshot = await service.operations.fresh(0);
    if (!snapshot) {
      sendEnvelope(res, errorEnvelope(new Error('wsdl')));
      return;
    }
    res.type('text/xml; charset=utf-8').send(snapshot.wsdl);
  });

  const readBody = express.raw({ type: () => true, limit });
  const readPlainBody = express.raw({ type: () => true, limit, inflate: false });

  /** Before the body is read: answers are never cached, and the token decides how much work follows. */
  const gate = (req: Request, res: Response, next: NextFunction) => {
    res.set('Cache-Control', 'no-store');
    res.locals.authenticated = hasValidToken(ctx.config, req);
    if (res.locals.authenticated) return readBody(req, res, next);
    const encoding = (req.get('content-encoding') ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity') return sendFault(res, 'soap:Client', '未认证：压缩的请求须携带有效的 Authorization: Bearer 令牌');
    readPlainBody(req, res, next);
  };

  const answer = async (req: Request, res: Response, next: NextFunction) => {
    try {
      await service.answerBody(req, res, req, req.body, res.locals.authenticated === true);
    } catch (err) {
      // answerLookup does not throw; should sending fail, the error handler below answers
      next(err);
    }
  };

  r.post(SOAP_PATH, gate, answer);
  r.all(SOAP_PATH, (req: Request, res: Response) => sendFault(res, 'soap:Client', '仅支持 POST（SOAP）与 GET ?wsdl'));

  // body-parser failures on this path are SOAP faults, not envelopes. Its 4xx errors (too
  // large, an unsupported or corrupt Content-Encoding, an aborted upload) are the caller's:
  // soap:Client, not logged as server errors — found by test/gateway/security/fuzz-soap.test.ts
  r.use(SOAP_PATH, (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number };
    if (e?.type === 'entity.too.large') return sendFault(res, 'soap:Client', BODY_FAULTS.tooLarge);
    if (e?.type === 'encoding.unsupported') return sendFault(res, 'soap:Client', '不支持的 Content-Encoding');
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return sendFault(res, 'soap:Client', BODY_FAULTS.unreadable);
    sendServerFault(res, req.log, err);
  });
  return r;
}
