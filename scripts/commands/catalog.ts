/** dprs catalog: tokens for operators and departments, seeding, import and export of registrations. */
import fs from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { signToken } from '../../core/jwt';
import { migrate } from '../app/migrations';
import { seedCatalogue } from '../../catalog/seed';
import { exportRegistrations, importRegistrations } from '../../catalog/transfer';
import type { Principal } from '../../catalog/principal';
import { ValidationFailed } from '../../catalog/validation';
import { config, positiveInt, withContext, withMigratedContext } from './common';

function role(v: string): 'operator' | 'department' {
  if (v !== 'operator' && v !== 'department') throw new InvalidArgumentError('应为 operator 或 department（调用方令牌请用 client credentials 换取）');
  return v;
}

function deptCode(v: string): string {
  if (!/^ZC\d{3}$/.test(v)) throw new InvalidArgumentError('部门代码形如 ZC005');
  return v;
}

export function registerCatalogCommand(program: Command): void {
  const catalog = program.command('catalog').description('政务信息资源目录');

  catalog
    .command('token')
    .description('print a catalogue token for the operator or a department')
    .requiredOption('--role <role>', 'operator | department', role)
    .option('--dept <code>', 'department code for --role department, e.g. ZC005', deptCode)
    .option('--sub <name>', 'who the token is for', 'cli')
    .option('--ttl <seconds>', 'lifetime in seconds (60–3600)', positiveInt)
    .action((opts: { role: 'operator' | 'department'; dept?: string; sub: string; ttl?: number }) => {
      if (opts.role === 'department' && !opts.dept) throw new InvalidArgumentError('--role department 需要 --dept');
      const cfg = config();
      const ttl = Math.min(Math.max(opts.ttl ?? cfg.jwt.ttlSeconds, 60), 3600);
      const claims = opts.role === 'department' ? { sub: opts.sub, role: opts.role, dept: opts.dept } : { sub: opts.sub, role: opts.role };
      process.stdout.write(signToken(cfg, claims, ttl) + '\n');
    });

  catalog
    .command('seed')
    .description('seed departments, the 214 licensing items and the three base resources')
    .action(() =>
      withMigratedContext(async (ctx) => {
        process.stdout.write(JSON.stringify(await seedCatalogue(ctx.db)) + '\n');
      }),
    );

  catalog
    .command('import <file>')
    .description('import registrations from a JSON file (array, or {"resources": [...]}); all or nothing on validation')
    .option('--dept <code>', 'act as this department (default: as the operator)', deptCode)
    .option('--publish', 'publish what was imported (operator only)')
    .action((file: string, opts: { dept?: string; publish?: boolean }) =>
      withContext(async (ctx) => {
        let json: unknown;
        try {
          json = JSON.parse(fs.readFileSync(file, 'utf8'));
        } catch (err) {
          throw new Error(`无法读取 ${file}：${err instanceof SyntaxError ? '不是合法的 JSON' : '文件不存在或不可读'}`);
        }
        const p: Principal = opts.dept ? { role: 'department', sub: 'cli', dept: opts.dept } : { role: 'operator', sub: 'cli' };
        await migrate(ctx.db);
        try {
          const report = await importRegistrations(ctx.db, p, json, { publish: opts.publish });
          process.stdout.write(JSON.stringify(report) + '\n');
        } catch (err) {
          if (err instanceof ValidationFailed) {
            process.stderr.write(`${err.message}\n${err.errors.map((e) => `  ${e.field || '（整体）'}  ${e.reason}`).join('\n')}\n`);
            process.exitCode = 1;
            return;
          }
          throw err;
        }
      }),
    );

  catalog
    .command('export')
    .description('export the published registrations as JSON')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--dept <code>', 'only this provider', deptCode)
    .action((opts: { out?: string; dept?: string }) =>
      withContext(async (ctx) => {
        const text = JSON.stringify({ resources: await exportRegistrations(ctx.db, opts.dept) }, null, 2) + '\n';
        if (opts.out) fs.writeFileSync(opts.out, text);
        else process.stdout.write(text);
      }),
    );
}
