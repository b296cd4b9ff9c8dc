import fs from 'node:fs';
import type { Command } from 'commander';
import { openKnex } from '../../core/db';
import { parseLicensingItems } from '../../catalog/gazette';
import { buildFrontendDemoFile, ensureDemo, frontendDemoFile } from '../demo';
import { createFrontendTables, DEFAULT_DEMO_SIZE, fillFrontend } from '../demo/frontend';
import { touchPeople } from '../demo/touch';
import { config, positiveInt, withMigratedContext } from './common';

export function registerDemoCommand(program: Command): void {
  // options after `demo touch` belong to touch, not to demo's own --people
  const demo = program.command('demo').enablePositionalOptions();
  demo
    .command('touch')
    .description('change some demo front-end rows (new 户籍地, new GXSJ, a few 删除标志) for the scheduler to pick up')
    .option('--people <n>', 'people to change', positiveInt, 100)
    .option('--frontend-url <url>', 'a MySQL front-end database instead of the demo SQLite file')
    .action(async (opts: { people: number; frontendUrl?: string }) => {
      const file = frontendDemoFile(config().dataDir);
      if (!opts.frontendUrl && !fs.existsSync(file)) {
        process.stderr.write(`演示前置机数据库不存在：${file}（请先运行 dprs start 或 dprs demo）\n`);
        process.exit(2);
      }
      const fe = opts.frontendUrl ? openKnex({ client: 'mysql', url: opts.frontendUrl }) : openKnex({ client: 'sqlite', sqliteFile: file });
      try {
        const r = await touchPeople(fe, opts.people);
        process.stdout.write(`已修改 ${r.updated} 条人口记录（其中 ${r.deleted} 条标记删除）；调度器的下一次增量同步会带过来\n`);
      } finally {
        await fe.destroy();
      }
    });
  demo
    .description('build the demo front-end database and fill the libraries')
    .option('--people <n>', 'people in the 公安 table', positiveInt, DEFAULT_DEMO_SIZE.people)
    .option('--entities <n>', 'legal entities in the 工商 table', positiveInt, DEFAULT_DEMO_SIZE.entities)
    .option('--licences <n>', 'licences in the licence table', positiveInt, DEFAULT_DEMO_SIZE.licences)
    .option('--seed <n>', 'random seed (same seed, same data)', positiveInt, DEFAULT_DEMO_SIZE.seed)
    .option('--frontend-url <url>', 'write the front-end tables to this MySQL database instead of the demo SQLite file')
    .option('--frontend-only', 'only build the front-end database')
    .action(async (opts: { people: number; entities: number; licences: number; seed: number; frontendUrl?: string; frontendOnly?: boolean }) => {
      const size = { people: opts.people, entities: opts.entities, licences: opts.licences, seed: opts.seed };
      const progress = (table: string, done: number, total: number) => {
        if (process.stderr.isTTY) process.stderr.write(`\r${table} ${done}/${total}   `);
      };
      if (opts.frontendUrl) {
        const fe = openKnex({ client: 'mysql', url: opts.frontendUrl });
        try {
          await createFrontendTables(fe);
          await fillFrontend(fe, size, parseLicensingItems(), progress);
        } finally {
          await fe.destroy();
        }
        process.stdout.write(`front-end tables written to ${opts.frontendUrl.replace(/:[^:@/]*@/, ':***@')}\n`);
        return;
      }
      const cfg = config();
      const file = frontendDemoFile(cfg.dataDir);
      await buildFrontendDemoFile(file, size, progress);
      process.stdout.write(`\nfront-end database: ${file}\n`);
      if (opts.frontendOnly) return;
      await withMigratedContext(async (ctx) => {
        const state = await ensureDemo(ctx, size);
        process.stdout.write(`libraries: ${JSON.stringify(state.synced ?? 'already filled')}\n`);
      });
    });
}
