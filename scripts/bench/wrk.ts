/**
 * Drives wrk (Debian package `wrk`) against a URL and reads its figures. wrk is a C load
 * generator: it takes far less CPU than the servers it loads, which matters on two cores.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

export function haveWrk(): boolean {
  return spawnSync('wrk', ['--version'], { encoding: 'utf8' }).error === undefined;
}

function toMs(v: string): number {
  const m = v.match(/^([\d.]+)(us|ms|s|m)$/);
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60000;
}

export function parseWrk(out: string): LoadResult {
  const rps = out.match(/Requests\/sec:\s+([\d.]+)/);
  const p50 = out.match(/^\s+50%\s+(\S+)/m);
  const p99 = out.match(/^\s+99%\s+(\S+)/m);
  const total = out.match(/(\d+) requests in/);
  const non2xx = out.match(/Non-2xx or 3xx responses:\s+(\d+)/);
  const errs = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  if (!rps || !p50 || !p99 || !total) throw new Error(`cannot read wrk output:\n${out}`);
  return {
    requestsPerSec: Number(rps[1]),
    p50Ms: toMs(p50[1]),
    p99Ms: toMs(p99[1]),
    requests: Number(total[1]),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    errors: errs ? errs.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
  };
}

export interface LoadSpec {
  url: string;
  connections: number;
  seconds: number;
  /** a wrk Lua script (request rotation, headers, bodies) */
  lua?: string;
}

export function runWrk(spec: LoadSpec): LoadResult {
  const args = ['-t1', `-c${spec.connections}`, `-d${spec.seconds}s`, '--latency', '--timeout', '5s'];
  let dir: string | null = null;
  if (spec.lua) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dprs-wrk-'));
    const file = path.join(dir, 'script.lua');
    fs.writeFileSync(file, spec.lua);
    args.push('-s', file);
  }
  args.push(spec.url);
  const r = spawnSync('wrk', args, { encoding: 'utf8', timeout: (spec.seconds + 30) * 1000 });
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr || r.stdout}`);
  return parseWrk(r.stdout);
}

/**
 * Lua string literal: every byte outside printable ASCII as a three-digit decimal escape
 * (always three digits, or a digit that follows would be read into the escape).
 */
export function luaString(s: string): string {
  return '"' + [...Buffer.from(s, 'utf8')].map((b) => (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\${String(b).padStart(3, '0')}`)).join('') + '"';
}

/**
 * A wrk script that cycles through prepared requests (method, path, headers, body), so the
 * server sees many different keys rather than one cached answer.
 */
export function rotatingRequests(requests: Array<{ method: string; path: string; headers: Record<string, string>; body?: string }>): string {
  const items = requests
    .map((r) => {
      // requests are built when the script loads, before wrk knows the Host: name it here
      const headers = Object.entries({ Host: '127.0.0.1', ...r.headers })
        .map(([k, v]) => `[${luaString(k)}] = ${luaString(v)}`)
        .join(', ');
      return `  wrk.format(${luaString(r.method)}, ${luaString(r.path)}, { ${headers} }, ${r.body === undefined ? 'nil' : luaString(r.body)})`;
    })
    .join(',\n');
  return `local reqs = {\n${items}\n}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  if i > #reqs then i = 1 end\n  return reqs[i]\nend\n`;
}
