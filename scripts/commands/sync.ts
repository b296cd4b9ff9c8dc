/**
 * dprs sync job add|list|remove, dprs sync run, dprs sync status, dprs scheduler.
 * Output is for operators: Chinese messages and the run summary, never SQL or stacks.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { migrate } from '../app/migrations';
import { createContext, destroyContext } from '../app/context';
import { defineJob, getJob, JobDefinition, JobDefinitionError, listJobs, parseJobText, redactedSource, removeJob } from '../../adapters/sync/jobs';
import { sourcePolicy } from '../../adapters/sources';
import { SyncEngine } from '../../adapters/sync/engine';
import { summaryLine, RunCounters } from '../../adapters/sync/runs';
import { startScheduler } from '../../adapters/sync/scheduler';
import { syncStatus } from '../../adapters/sync/status';
import { describeDbError } from '../../core/db-errors';
import { config, withContext as withBareContext } from './common';
import type { AppContext } from '../../gateway/context';

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** A database failure (unreachable, access denied …) ends the command with one Chinese sentence. */
async function withContext<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  try {
    return await withBareContext(fn);
  } catch (err) {
    const described = describeDbError(err);
    if (described) fail(`数据库访问失败：${described}`);
    throw err;
  }
}

function progress(jobId: string, c: RunCounters): void {
  if (process.stderr.isTTY) process.stderr.write(`\r${jobId} 读出 ${c.read} 写入 ${c.written} 未变 ${c.unchanged} 拒绝 ${c.rejected} 漂移 ${c.drift}   `);
}

export function registerSyncCommands(program: Command): void {
  const sync = program.command('sync').description('前置机库表交换：同步任务、运行与状态');
  const job = sync.command('job').description('管理同步任务');

  job
    .command('add <file>')
    .description('add or replace a job from its JSON definition')
    .action(async (file: string) => {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        fail(`无法读取文件 ${file}`, 2);
      }
      await withContext(async (ctx) => {
        await migrate(ctx.db);
        try {
          const job = await defineJob(ctx.db, parseJobText(text) as JobDefinition, sourcePolicy(ctx.config));
          process.stdout.write(`已保存同步任务 ${job.id} → ${job.target}\n`);
        } catch (err) {
          if (err instanceof JobDefinitionError) fail(err.message, 2);
          throw err;
        }
      });
    });

  job
    .command('list')
    .description('list the jobs')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      await withContext(async (ctx) => {
        await migrate(ctx.db);
        const jobs = await listJobs(ctx.db);
        if (opts.json) {
          process.stdout.write(JSON.stringify(jobs.map((j) => ({ id: j.job.id, target: j.job.target, source: redactedSource(j.job.source), enabled: j.enabled, schedule: j.job.schedule ?? {} })), null, 2) + '\n');
          return;
        }
        if (jobs.length === 0) process.stdout.write('没有同步任务\n');
        for (const j of jobs) {
          const s = j.job.schedule ?? {};
          process.stdout.write(`${j.job.id}\t${j.job.target}\t${j.enabled ? '启用' : '停用'}\t全量 ${s.full ?? '-'}\t增量 ${s.incremental ?? '-'}\n`);
        }
      });
    });

  job
    .command('remove <id>')
    .description('remove a job and its watermark (run history stays)')
    .action(async (id: string) => {
      await withContext(async (ctx) => {
        await migrate(ctx.db);
        if (!(await removeJob(ctx.db, id))) fail(`没有同步任务 ${id}`);
        process.stdout.write(`已删除同步任务 ${id}\n`);
      });
    });

  sync
    .command('run [job]')
    .description('run a job now (incremental unless --full); --all runs every enabled job')
    .option('--full', 'full run (re-read everything, soft-delete what is gone)')
    .option('--all', 'every enabled job')
    .action(async (jobId: string | undefined, opts: { full?: boolean; all?: boolean }) => {
      if (!jobId && !opts.all) fail('请指定任务编号，或使用 --all', 2);
      let failed = false;
      await withContext(async (ctx) => {
        await migrate(ctx.db);
        const ids = opts.all ? (await listJobs(ctx.db)).filter((j) => j.enabled).map((j) => j.job.id) : [jobId!];
        const engine = new SyncEngine(ctx.db, { leaseMs: ctx.config.sync.leaseMs, onProgress: progress });
        for (const id of ids) {
          const stored = await getJob(ctx.db, id);
          if (!stored) fail(`没有同步任务 ${id}`);
          const outcome = await engine.run(stored.job, opts.full ? 'full' : 'incr');
          if (process.stderr.isTTY) process.stderr.write('\n');
          if (outcome.status === 'skipped') {
            process.stderr.write(`未运行：${outcome.reason}\n`);
            failed = true;
            continue;
          }
          process.stdout.write(summaryLine(outcome.run) + '\n');
          if (outcome.status === 'failed') failed = true;
        }
      });
      if (failed) process.exit(1);
    });

  sync
    .command('status')
    .description('jobs, their last runs and watermarks')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      await withContext(async (ctx) => {
        await migrate(ctx.db);
        const status = await syncStatus(ctx.db);
        if (opts.json) {
          process.stdout.write(JSON.stringify(status, null, 2) + '\n');
          return;
        }
        if (status.length === 0) process.stdout.write('没有同步任务\n');
        for (const s of status) {
          process.stdout.write(`${s.id} → ${s.target} ${s.enabled ? '' : '(停用)'}\n`);
          process.stdout.write(`  水位线 ${s.watermark ? `${s.watermark.t} ${JSON.stringify(s.watermark.k)}` : '（无，下次运行为全量）'}\n`);
          for (const r of s.lastRuns) process.stdout.write(`  ${summaryLine(r)}\n`);
        }
      });
    });

  program
    .command('scheduler')
    .description('run the sync scheduler alone (without the HTTP server)')
    .action(async () => {
      const ctx = createContext(config());
      try {
        await migrate(ctx.db).catch((err: unknown) => fail(`数据库访问失败：${describeDbError(err) ?? '迁移未完成'}`));
        const scheduler = await startScheduler(ctx.db, ctx.log, new SyncEngine(ctx.db, { leaseMs: ctx.config.sync.leaseMs }));
        ctx.log.info('sync scheduler started');
        await new Promise<void>((resolve) => {
          process.once('SIGTERM', resolve);
          process.once('SIGINT', resolve);
        });
        await scheduler.stop();
      } finally {
        await destroyContext(ctx);
      }
    });
}
