/**
 * The one catalogue of result codes (附件3 envelope). JSON answers use the code as the HTTP
 * status; SOAP answers carry it inside the envelope. The README's table of result codes is
 * checked against this list by test/gateway/readme-result-codes.test.ts.
 */
export const RESULT_CODES = {
  OK: { code: '200', msg: '操作成功', http: 200 },
  BAD_PARAM: { code: '400', msg: '参数错误', http: 400 },
  UNAUTHENTICATED: { code: '401', msg: '未认证', http: 401 },
  FORBIDDEN: { code: '403', msg: '无权限', http: 403 },
  NOT_FOUND: { code: '404', msg: '未查询到数据', http: 404 },
  RATE_LIMITED: { code: '429', msg: '请求过于频繁', http: 429 },
  INTERNAL: { code: '500', msg: '系统错误', http: 500 },
  /** the method's library has never completed a full sync run: no answer can be trusted yet (not 404, "no such record") */
  NOT_CONNECTED: { code: '503', msg: '数据尚未接入', http: 503 },
} as const;

export type ResultKind = keyof typeof RESULT_CODES;
export type ResultCode = (typeof RESULT_CODES)[ResultKind]['code'];

export interface Envelope<T = Record<string, unknown>> {
  msg: string;
  result_code: ResultCode;
  data: T[];
}

/**
 * A failure the caller is told about. `detail` is appended to the code's message, `field`
 * names the offending parameter; neither may carry internals.
 */
export class ApiError extends Error {
  constructor(
    readonly kind: Exclude<ResultKind, 'OK'>,
    readonly detail?: string,
    readonly field?: string,
  ) {
    super(RESULT_CODES[kind].msg + (field || detail ? `：${field ? field + ' ' : ''}${detail ?? ''}`.trimEnd() : ''));
    this.name = 'ApiError';
  }

  get code(): ResultCode {
    return RESULT_CODES[this.kind].code;
  }

  get httpStatus(): number {
    return RESULT_CODES[this.kind].http;
  }
}

export function badParam(field: string, reason: string): ApiError {
  return new ApiError('BAD_PARAM', reason, field);
}

export function ok<T>(data: T[]): Envelope<T> {
  return { msg: RESULT_CODES.OK.msg, result_code: RESULT_CODES.OK.code, data };
}

/** Any thrown value → the envelope a caller may see. Unknown errors become a bare 500. */
export function errorEnvelope(err: unknown): Envelope<never> {
  if (err instanceof ApiError) return { msg: err.message, result_code: err.code, data: [] };
  return { msg: RESULT_CODES.INTERNAL.msg, result_code: RESULT_CODES.INTERNAL.code, data: [] };
}

export function httpStatusOf(code: ResultCode): number {
  for (const k of Object.values(RESULT_CODES)) if (k.code === code) return k.http;
  return 500;
}
