/**
 * The lookup pipeline's CPU per call, in process (no HTTP, no wrk): JSON getRKZP through
 * answerLookup — token, purpose, validation, access decision, lookup, projection and the
 * group-committed audit row — `calls` calls `concurrency` at a time, repeated `rounds` times,
 * reporting this process's user + system CPU µs per call (process.cpuUsage) for each round.
 * The lowest round is the one least disturbed by other work on a shared machine. On SQLite,
 * or on a MariaDB schema made and dropped for the run.
 *   node dist/scripts/cli.js bench pipeline [--mysql-url …]
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../core/config';
import { benchSchema } from './schema';
import { createContext, destroyContext } from '../app/context';
import { migrate } from '../app/migrations';
import { issueToken } from '../../gateway/auth/tokens';
import { answerLookup } from '../../gateway/pipeline';
import { ALL_LOOKUPS, DEMO_CONSUMER_ID, ensureDemo } from '../demo';
import { DEFAULT_DEMO_SIZE } from '../demo/frontend';
import { person } from '../demo/records';

export interface PipelineBenchOptions {
  mysqlUrl: string | null;
  rounds: number;
  calls: number;
  concurrency: number;
  log: (line: string) => void;
}

const PURPOSE = encodeURIComponent('性能测试：办理户籍业务');

export async function runPipelineBench(opts: PipelineBenchOptions): Promise<number[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dprs-bench-pipeline-'));
  const schema = opts.mysqlUrl ? await benchSchema(opts.mysqlUrl, `dprs_bench_pipe_${process.pid}`) : null;
  const url = schema?.url ?? '';
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dataDir,
    JWT_SECRET: crypto.randomBytes(32).toString('hex'),
    AUDIT_KEY: crypto.randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '10000000',
    ...(schema ? { DB_CLIENT: 'mysql', DATABASE_URL: url } : { DB_CLIENT: 'sqlite', DATABASE_URL: '' }),
  });
  const ctx = createContext(config);
  try {
    opts.log('preparing the gateway database (demo data)…');
    await migrate(ctx.db);
    await ensureDemo(ctx);
    const authorization = `Bearer ${issueToken(config, DEMO_CONSUMER_ID, ALL_LOOKUPS).access_token}`;
    const people = Array.from({ length: 1000 }, (_, i) => person(DEFAULT_DEMO_SIZE.seed, (i * 7) % DEFAULT_DEMO_SIZE.people));
    let n = 0;
    const call = async () => {
      const p = people[n++ % people.length];
      const e = await answerLookup(ctx, { method: 'getRKZP', iface: 'json', params: { xm: p.XM, gmsfzh: p.GMSFZH }, authorization, purposeHeader: PURPOSE, scope: { id: 'bench', log: ctx.log } });
      if (e.result_code !== '200') throw new Error(`lookup answered ${e.result_code}`);
    };
    const round = async () => {
      let left = opts.calls;
      const worker = async () => {
        while (left-- > 0) await call();
      };
      const before = process.cpuUsage();
      await Promise.all(Array.from({ length: opts.concurrency }, worker));
      const used = process.cpuUsage(before);
      return (used.user + used.system) / opts.calls;
    };
    await round(); // warm-up
    const out: number[] = [];
    for (let i = 0; i < opts.rounds; i++) out.push(await round());
    return out;
  } finally {
    await destroyContext(ctx);
    await schema?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export function pipelineSummary(perCall: number[]): string {
  const sorted = [...perCall].sort((a, b) => a - b);
  return `CPU µs per call, each round: ${perCall.map((x) => x.toFixed(0)).join(', ')}; lowest ${sorted[0].toFixed(0)}, median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)}`;
}
