/**
 * MySQL's LOAD DATA LOCAL INFILE without files: the statement names a payload held in memory,
 * and the connection's stream factory serves those names only. The protocol lets a server ask
 * the client for any file; a name we did not hand out gets an error, never a file.
 */
import crypto from 'node:crypto';
import { Readable } from 'node:stream';

const payloads = new Map<string, Buffer>();

/**
 * Holds `data` under a fresh name to put in a LOAD DATA LOCAL INFILE statement; release it
 * after. The name cannot be guessed: a payload is served to whichever connection names it.
 */
export function holdPayload(data: Buffer): string {
  const name = `dprs-payload-${crypto.randomBytes(16).toString('hex')}`;
  payloads.set(name, data);
  return name;
}

export function releasePayload(name: string): void {
  payloads.delete(name);
}

/** mysql2's `infileStreamFactory`: the payload the server asked for, by name. */
export function payloadStream(name: string): Readable {
  const data = payloads.get(name);
  if (data === undefined) {
    const refused = new Readable({ read() {} });
    process.nextTick(() => refused.destroy(new Error('no such payload')));
    return refused;
  }
  return Readable.from([data], { objectMode: false });
}

/**
 * One value as LOAD DATA reads it with `FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES
 * TERMINATED BY '\n'`: NULL as \N, booleans as 1/0, and the three characters with a meaning
 * there escaped (so a text "\N" stays text).
 */
export function loadDataField(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? '1' : '0';
  const s = String(v);
  return NEEDS_ESCAPE.test(s) ? s.replace(ESCAPED, (c) => ESCAPES[c]) : s;
}

/**
 * Rows (`values` row after row, `columns` values each) as the text LOAD DATA reads: fields
 * joined by tabs, each row ending in a newline, UTF-8. Each row is encoded into one buffer as it
 * is made: one string of all rows built by concatenation, then encoded, cost a first load of 1 M
 * people ~4 CPU µs a row against ~1 (BENCHMARKS.md, Round 12).
 */
export function loadDataPayload(values: readonly unknown[], columns: number): Buffer {
  let buf = Buffer.allocUnsafe(INITIAL_PAYLOAD_BYTES);
  let used = 0;
  for (let i = 0; i < values.length; i += columns) {
    let line = loadDataField(values[i]);
    for (let c = 1; c < columns; c++) line += '\t' + loadDataField(values[i + c]);
    line += '\n';
    // a UTF-16 code unit takes at most 3 bytes in UTF-8
    if (used + line.length * 3 > buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, used + line.length * 3));
      buf.copy(bigger, 0, 0, used);
      buf = bigger;
    }
    used += buf.write(line, used, 'utf8');
  }
  return buf.subarray(0, used);
}

/** About a batch of 1,000 library rows, so that a full sync's payloads seldom grow. */
const INITIAL_PAYLOAD_BYTES = 1 << 19;

const NEEDS_ESCAPE = /[\\\t\n]/;
const ESCAPED = /[\\\t\n]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n' };
