/**
 * The one lookup pipeline both interfaces call:
 *   parse → authenticate (token, or a signed-in clerk) → purpose, user id + validate → authorise (token methods, accessForLookup)
 *   → lookup → project items / mask → audit → envelope.
 * The six methods of 附件3 are fixed (./lookups/methods); every other method is a generic
 * lookup its published registration declares (./lookups/declared), found only after the
 * caller is authenticated, then treated alike (a declared method also answers 503 数据尚未接入
 * before its library's first full sync).
 * It never throws: every outcome, including internal failures, is an envelope. The audit row
 * is written before the envelope is returned; if it cannot be written the caller gets 500
 * and no data.
 *
 * Not audited: an unknown method (there is no lookup) and a 401 (there is no authenticated
 * consumer to attribute it to, and unauthenticated traffic must not be able to grow the
 * audit table); both are logged as warnings with the request id.
 */
import { verificationRefusal } from '../catalog/access';
import { accessForLookup } from '../catalog/access-cache';
import type { AppContext } from './context';
import type { RequestScope } from '../core/http';
import { recordLookup } from './audit';
import { auditKeys } from './auditing/query-key';
import { bearerToken } from '../core/jwt';
import { consumerClaims, TokenClaims, TokenError } from './auth/tokens';
import { Interface, LookupMethod, LookupRecord, lookupMethod, todayInChina } from './lookups/methods';
import { declaredLookup, DeclaredLookup, isDeclarableName } from './lookups/declared';
import { BaseLibraries } from './lookups/repository';
import { projectRecord } from '../catalog/masking';
import { parsePurpose } from './purpose';
import { parseUserId } from './accounts/user-id';
import { resolveMatterPurpose } from './matter-purpose';
import { ApiError, Envelope, errorEnvelope, ok } from '../core/result-codes';
import { lookupDuration, lookupRequests } from '../core/metrics';
import { errorFields } from '../core/logger';

export interface LookupCall {
  method: string;
  iface: Interface;
  params: unknown;
  authorization: string | undefined;
  purposeHeader: string | undefined;
  /** the request's id and logger; the child logger is made only if this call logs (most never do) */
  scope: RequestScope;
  /** X-User-Id: the person the calling system acts for */
  userIdHeader?: string;
  /** a signed-in workbench clerk: looks up as the clerk's system, no token, the clerk recorded */
  clerk?: { consumerId: string; methods: string[]; username: string };
}

function isDeclared(m: LookupMethod): m is LookupMethod & Pick<DeclaredLookup, 'declared' | 'ensureConnected' | 'maskKinds'> {
  return (m as DeclaredLookup).declared === true;
}

function authenticate(ctx: AppContext, authorization: string | undefined): TokenClaims {
  const token = bearerToken(authorization);
  if (!token) throw new ApiError('UNAUTHENTICATED', '缺少 Authorization: Bearer 令牌');
  try {
    return consumerClaims(ctx.config, token);
  } catch (err) {
    if (err instanceof TokenError) throw new ApiError('UNAUTHENTICATED', err.message);
    throw err;
  }
}

const unknownMethod = () => errorEnvelope(new ApiError('NOT_FOUND', '接口方法不存在', 'method'));

/** A declared (generic) method of that name from the published catalogue, or null; never throws. */
async function findDeclared(ctx: AppContext, call: LookupCall): Promise<DeclaredLookup | null | 'failed'> {
  try {
    const m = await declaredLookup(ctx.db, call.method);
    return m && m.interfaces.includes(call.iface) ? m : null;
  } catch (err) {
    call.scope.log.error(errorFields(err), 'declared lookup could not be read');
    return 'failed';
  }
}

export async function answerLookup(ctx: AppContext, call: LookupCall): Promise<Envelope<LookupRecord>> {
  const startedAt = performance.now();
  const fixed = lookupMethod(call.method, call.iface);
  // a fixed method is known without storage; any other name is looked up in the catalogue,
  // which is storage work: only for an authenticated caller
  if (!fixed && !isDeclarableName(call.method)) {
    call.scope.log.warn({ iface: call.iface }, 'unknown lookup method');
    return unknownMethod();
  }

  let claims: TokenClaims;
  try {
    claims = call.clerk ? { consumerId: call.clerk.consumerId, methods: call.clerk.methods } : authenticate(ctx, call.authorization);
  } catch (err) {
    call.scope.log.warn({ method: fixed?.name ?? '-', iface: call.iface, reason: err instanceof ApiError ? err.message : 'error' }, 'lookup refused: not authenticated');
    const refused = errorEnvelope(err);
    lookupRequests.inc({ method: fixed?.name ?? '-', interface: call.iface, consumer: '-', result_code: refused.result_code });
    return refused;
  }

  const declared = fixed ? null : await findDeclared(ctx, call);
  if (declared === 'failed') return errorEnvelope(new Error('catalogue'));
  const method: LookupMethod | null = fixed ?? (declared as LookupMethod | null);
  if (!method) {
    call.scope.log.warn({ iface: call.iface }, 'unknown lookup method');
    return unknownMethod();
  }

  let purpose: string | null = null;
  let matterCode: string | null = null;
  let queryKey: string | null = null;
  let itemKeys: Array<string | null> | undefined;
  let asked: string[] = [];
  let answered: LookupRecord[] = [];
  let userId: string | null = call.clerk?.username ?? null;
  let envelope: Envelope<LookupRecord>;
  try {
    purpose = parsePurpose(call.purposeHeader);
    matterCode = (await resolveMatterPurpose(ctx, claims.consumerId, purpose)).matterCode;
    if (!call.clerk) userId = parseUserId(call.userIdHeader, ctx.config.userIdRequired);
    const params = method.parse(call.params);
    queryKey = method.queryKey(params);
    itemKeys = method.itemKeys?.(params);
    asked = method.askedSubjects?.(params) ?? [];
    // the token's methods are the fixed ones its consumer was registered for; a declared method is decided by grants alone
    if (!isDeclared(method) && !claims.methods.includes(method.name)) throw new ApiError('FORBIDDEN', `令牌未授权调用 ${method.name}`);
    // a batch costs what its items would cost one by one
    const units = itemKeys?.length ?? 1;
    if (!ctx.rateLimiter.take(claims.consumerId, method.name, units)) {
      const limit = ctx.rateLimiter.limitFor(method.name);
      throw new ApiError('RATE_LIMITED', itemKeys ? `每分钟最多比对 ${limit} 项（${method.name}，本次 ${units} 项）` : `每分钟最多调用 ${limit} 次 ${method.name}`);
    }
    if (isDeclared(method)) await method.ensureConnected();
    const access = await accessForLookup(ctx.db, claims.consumerId, method.name);
    if (!access.ok) throw new ApiError('FORBIDDEN', access.reason);
    const refusal = method.compares ? verificationRefusal(access.access, method.compares) : null;
    if (refusal) throw new ApiError('FORBIDDEN', refusal);
    const records = await method.run(new BaseLibraries(ctx.db), params, todayInChina());
    answered = records;
    if (records.length === 0) throw new ApiError('NOT_FOUND');
    // a verification answers with its verdict; every other answer holds only the granted items
    envelope = ok(method.compares ? records : records.map((r) => projectRecord(r, method.fields, access.access.items, access.access.masked, isDeclared(method) ? method.maskKinds : undefined)));
  } catch (err) {
    // internals (driver messages can quote SQL and values) go to the log, never the caller
    if (!(err instanceof ApiError)) call.scope.log.error({ method: method.name, ...errorFields(err) }, 'lookup failed');
    envelope = errorEnvelope(err);
  }

  // a lookup that concerns more than its query key (a licence's holder) is found under each
  if (!itemKeys && queryKey !== null) {
    const keys = auditKeys(queryKey, asked, answered);
    if (keys.length > 1) itemKeys = keys;
  }
  try {
    await recordLookup(ctx, {
      at: Date.now(),
      requestId: call.scope.id,
      consumerId: claims.consumerId,
      method: method.name,
      interface: call.iface,
      purpose,
      matterCode,
      queryKey,
      itemKeys,
      resultCode: envelope.result_code,
      rows: envelope.data.length,
      durationMs: performance.now() - startedAt,
      userId,
    });
  } catch (err) {
    call.scope.log.error({ method: method.name, ...errorFields(err) }, 'audit write failed: answer withheld');
    envelope = errorEnvelope(new Error('audit'));
  }
  lookupRequests.inc({ method: method.name, interface: call.iface, consumer: claims.consumerId, result_code: envelope.result_code });
  lookupDuration.observe({ method: method.name, interface: call.iface }, (performance.now() - startedAt) / 1000);
  return envelope;
}
