/**
 * SOAP 1.1 faults for requests that are not valid SOAP (malformed XML, a DTD, an unknown
 * operation, a body too large). Written here rather than by node-soap so that the answer is
 * always SOAP 1.1, HTTP 500, and carries a fixed Chinese reason — never an error's text or
 * a stack.
 */
import type { ServerResponse } from 'node:http';
import type { Logger } from '../../core/logger';
import { errorFields } from '../../core/logger';

export type FaultCode = 'soap:Client' | 'soap:Server' | 'soap:VersionMismatch';

function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function faultXml(code: FaultCode, reason: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>' +
    `<faultcode>${code}</faultcode><faultstring xml:lang="zh-CN">${xmlText(reason)}</faultstring>` +
    '</soap:Fault></soap:Body></soap:Envelope>'
  );
}

/** The caller's body could not be taken: over the limit, or not read to its end. */
export const BODY_FAULTS = { tooLarge: '请求体过大', unreadable: '请求体无法读取' } as const;

/** A failure of ours: logged by name and code (a driver's message may quote the data), answered without detail. */
export function sendServerFault(res: ServerResponse, log: Logger, err: unknown): void {
  log.error(errorFields(err), 'soap request failed');
  sendFault(res, 'soap:Server', '系统错误');
}

export function sendFault(res: ServerResponse, code: FaultCode, reason: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = faultXml(code, reason);
  res.statusCode = 500;
  res.setHeader('Content-Type', 'text/xml; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
