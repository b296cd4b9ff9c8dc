/**
 * The lookups' own door. A posted lookup — POST /dprs/api/<method> with a JSON body, POST the
 * SOAP path with an envelope — is answered on Node's http directly: measured, express's router
 * and middleware took about two thirds of a lookup's CPU (BENCHMARKS.md, "Round 3").
 * Same request basics (id, timeout, access line, metric), same security headers, same body
 * limit and parsing, then the same answer functions as express's routes.
 *
 * It takes only the common form, decided from the request line and headers before a byte of
 * the body is read: the exact path (express also matches other casings, a trailing slash,
 * percent-escapes), no Content-Encoding but identity, for JSON no charset but UTF-8, and a
 * body announced by Content-Length or chunked. Everything else goes to express, the
 * reference: test/gateway/lookup-lane.test.ts sends the same requests both ways and compares.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AppContext } from './context';
import { answerError, beginRequest, bodyErrors, header, pathOf, RequestBasics, RequestScope, sendEnvelope } from '../core/http';
import { ApiError, errorEnvelope } from '../core/result-codes';
import { answerJsonBody, answerJsonLookup, METHOD_NAME } from './json-api';
import { SoapService } from './soap/service';
import { BODY_FAULTS, sendFault, sendServerFault } from './soap/faults';
import { SOAP_PATH } from '../schemas/wsdl';
import { TOKEN_PATH } from './auth/routes';
import { hasValidToken } from './auth/tokens';

const API_PREFIX = '/dprs/api/';

export interface LaneParts {
  basics: RequestBasics;
  /** set on every answer, as express's routes set them */
  headers: ReadonlyArray<readonly [string, string]>;
  soap: SoapService;
}

export type Taken = { kind: 'json'; method: string } | { kind: 'soap' };

/** Which lookups the lane answers itself; null leaves the request to express. */
export function laneTakes(req: Pick<IncomingMessage, 'method' | 'url' | 'headers'>): Taken | null {
  if (req.method !== 'POST') return null;
  // a body announced (as type-is's hasBody has it): without one, express's answer is the reference
  if (req.headers['transfer-encoding'] === undefined && Number.isNaN(Number(req.headers['content-length'] ?? NaN))) return null;
  const encoding = header(req, 'content-encoding');
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') return null;
  const path = pathOf(req.url);
  if (path === SOAP_PATH) return { kind: 'soap' };
  if (!path.startsWith(API_PREFIX) || path === TOKEN_PATH) return null;
  const method = path.slice(API_PREFIX.length);
  if (!METHOD_NAME.test(method) || !isUtf8(header(req, 'content-type'))) return null;
  return { kind: 'json', method };
}

/** No charset named, or UTF-8 (body-parser decodes any other utf-* and refuses the rest). */
function isUtf8(contentType: string | undefined): boolean {
  return contentType === undefined || !/charset/i.test(contentType) || /;\s*charset\s*=\s*"?utf-8"?\s*(;|$)/i.test(contentType);
}

type BodyRead = { body: Buffer } | { refused: 'too-large' | 'aborted' };

/**
 * The body, up to `limit` bytes. Over the limit the rest is read and dropped before the
 * answer, as body-parser does, so the connection stays usable.
 */
function readBody(req: IncomingMessage, limit: number, done: (read: BodyRead) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  let finished = false;
  const finish = (read: BodyRead) => {
    if (finished) return;
    finished = true;
    done(read);
  };
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > limit) {
      over = true;
      chunks.length = 0;
    } else chunks.push(chunk);
  });
  req.on('end', () => finish(over ? { refused: 'too-large' } : { body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size) }));
  req.on('error', () => finish({ refused: 'aborted' }));
  // after 'end' this changes nothing; before it, the client went away mid-body
  req.on('close', () => finish({ refused: 'aborted' }));
}

const FIRST_NON_BLANK = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d]|$)/;
const utf8 = new TextDecoder('utf-8'); // drops a leading BOM, as body-parser's decoder does

/** A JSON body read as express.json reads it (strict): empty is {}, otherwise an object or array. */
export function parseJsonBody(body: Buffer): { value: unknown } | { error: ApiError } {
  const text = utf8.decode(body);
  if (text.length === 0) return { value: {} };
  const first = FIRST_NON_BLANK.exec(text)?.[1];
  if (first !== '{' && first !== '[') return { error: bodyErrors.notJson() };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { error: bodyErrors.notJson() };
  }
}

/** Lookups in their common form answered here; every other request goes to `fallback` (express). */
export function lookupLane(ctx: AppContext, parts: LaneParts, fallback: RequestListener): RequestListener {
  const limit = ctx.config.bodyLimitBytes;

  // a failure while answering is answered as express's last error handlers answer it
  const json = (req: IncomingMessage, res: ServerResponse, scope: RequestScope, method: string) => {
    const failed = (err: unknown) => answerError(res, scope.log, err);
    // without a valid token the answer (401) does not depend on the body, which is not read
    if (!hasValidToken(ctx.config, req)) {
      answerJsonLookup(ctx, req, res, scope, method, {}).catch(failed);
      return;
    }
    readBody(req, limit, (read) => {
      if ('refused' in read) return sendEnvelope(res, errorEnvelope(read.refused === 'too-large' ? bodyErrors.tooLarge() : bodyErrors.aborted()));
      const parsed = parseJsonBody(read.body);
      if ('error' in parsed) return sendEnvelope(res, errorEnvelope(parsed.error));
      answerJsonBody(ctx, req, res, scope, method, parsed.value).catch(failed);
    });
  };

  const soap = (req: IncomingMessage, res: ServerResponse, scope: RequestScope) => {
    res.setHeader('Cache-Control', 'no-store');
    const authenticated = hasValidToken(ctx.config, req);
    readBody(req, limit, (read) => {
      if ('refused' in read) return sendFault(res, 'soap:Client', read.refused === 'too-large' ? BODY_FAULTS.tooLarge : BODY_FAULTS.unreadable);
      parts.soap.answerBody(req, res, scope, read.body, authenticated).catch((err: unknown) => sendServerFault(res, scope.log, err));
    });
  };

  return (req, res) => {
    const taken = laneTakes(req);
    if (!taken) return fallback(req, res);
    const scope = beginRequest(parts.basics, req, res);
    for (const [name, value] of parts.headers) res.setHeader(name, value);
    if (taken.kind === 'soap') soap(req, res, scope);
    else json(req, res, scope, taken.method);
  };
}
