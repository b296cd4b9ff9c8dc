/**
 * SOAP 1.1 faults for requests that are not valid SOAP (malformed XML, a DTD, an unknown
 * operation, a body too large). Written here rather than by node-soap so that the answer is
 * always SOAP 1.1, HTTP 500, and carries a fixed Chinese reason — never an error's text or
 * a stack.
 */
import type { ServerResponse } from 'node:http';

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
