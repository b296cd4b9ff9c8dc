/**
 * Helpers for the hostile-input and authorisation suites: SOAP requests and the envelope in
 * `return`, leak patterns every answer is checked against, and table counts.
 */
import type { Db } from '../../core/db';

export const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
export const TNS = 'http://dprs.zhoucun.gov.cn/';
export const SOAP_PATH = '/dprs/webService/DataService';

/** stack frames, source paths, module paths */
export const STACK = /\bat .*\(.*:\d+:\d+\)|\n\s+at |node_modules|\.ts:\d|\.js:\d|\/work\//;
/** SQL or driver text */
export const SQL = /select |insert into|SQLITE_|\bER_[A-Z_]+|sqlite3|mysql2/i;

export interface EnvelopeBody {
  msg: string;
  result_code: string;
  data: Record<string, unknown>[];
}

function unescapeXml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#x([0-9a-f]+);/gi, (_m, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_m, d) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&');
}

/** The envelope JSON inside a SOAP answer's <return>, or null when there is none. */
export function soapReturn(xml: string): EnvelopeBody | null {
  const m = /<(?:\w+:)?return>([\s\S]*?)<\/(?:\w+:)?return>/.exec(xml);
  return m ? (JSON.parse(unescapeXml(m[1])) as EnvelopeBody) : null;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function soapEnvelope(op: string, params: Record<string, string>): string {
  const inner = Object.entries(params)
    .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${SOAP11}" xmlns:d="${TNS}"><s:Body><d:${op}>${inner}</d:${op}></s:Body></s:Envelope>`;
}

export async function postSoap(base: string, body: string | Uint8Array, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const r = await fetch(`${base}${SOAP_PATH}`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', ...headers }, body });
  return { status: r.status, text: await r.text() };
}

export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['population', 'legal_entity', 'licence']) {
    const row = await db(t).count({ n: '*' }).first();
    out[t] = Number(row?.n ?? 0);
  }
  return out;
}

/** A fingerprint of a table's content, to show nothing stored was altered. */
export async function tableDigest(db: Db, table: string, key: string): Promise<string> {
  const rows = await db(table).orderBy(key);
  return JSON.stringify(rows);
}

/**
 * Memory after a full garbage collection. The fuzz suites allocate megabytes per request on the
 * client side too (same process): measured without a collection, RSS shows the allocator's
 * high-water mark, not what the server retains.
 */
export function settledMemory(): NodeJS.MemoryUsage {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const v8 = require('node:v8') as typeof import('node:v8');
  v8.setFlagsFromString('--expose-gc');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const gc = (require('node:vm') as typeof import('node:vm')).runInNewContext('gc') as () => void;
  gc();
  return process.memoryUsage();
}
