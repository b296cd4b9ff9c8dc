/**
 * dprs matters list | show | add-material | import | export | report: the 事项数据需求清单 from
 * the command line. Writes act as the operator, or as a department with --dept.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { migrate } from '../app/migrations';
import type { Principal } from '../../catalog/principal';
import { ValidationFailed } from '../../catalog/validation';
import { buildReport, parsePeriod, writeReport } from '../../catalog/matters/report';
import { addMaterial, listMatters, MatterView, showMatter } from '../../catalog/matters/service';
import { MAX_SHEET_BYTES, SheetFormat } from '../../catalog/matters/sheets';
import { cellMessage, exportSurvey, importSurvey, SheetRejected } from '../../catalog/matters/survey';
import { describeFieldError } from '../../core/validation';
import { withContext } from './common';

function deptCode(v: string): string {
  if (!/^ZC\d{3}$/.test(v)) throw new InvalidArgumentError('部门代码形如 ZC005');
  return v;
}

function sheetFormat(v: string): SheetFormat {
  if (v !== 'csv' && v !== 'xlsx') throw new InvalidArgumentError('应为 csv 或 xlsx');
  return v;
}

const actingAs = (dept?: string): Principal => (dept ? { role: 'department', sub: 'cli', dept } : { role: 'operator', sub: 'cli' });

/** Refusals the caller can fix: every bad field or cell on stderr, exit 1. */
async function reporting(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof SheetRejected) {
      process.stderr.write(`文件有 ${err.cells.length} 处错误，未导入任何内容：\n${err.cells.map((c) => '  ' + cellMessage(c)).join('\n')}\n`);
    } else if (err instanceof ValidationFailed) {
      process.stderr.write(`${err.message}\n${err.errors.map((e) => `  ${describeFieldError(e)}`).join('\n')}\n`);
    } else throw err;
    process.exitCode = 1;
  }
}

function printMatter(m: MatterView): void {
  process.stdout.write(`${m.code}  ${m.name}  实施部门 ${m.department_name ?? m.department_code}  材料 ${m.materials.length}  可免提交 ${m.exempt}${m.result ? `  办理结果 ${m.result}` : ''}\n`);
  for (const x of m.materials) {
    const c = x.coverage;
    const state = c.exempt ? `可免提交 ← ${c.resource_name} ${c.method}` : `缺：${c.missing_names.join('、')}${c.resource_name ? `（${c.resource_name}）` : ''}`;
    process.stdout.write(`  #${x.id} ${x.name}  [${x.items.join('、')}]  ${x.provider_name ?? x.provider_code}  ${x.usage}  ${x.purpose}  → ${state}\n`);
  }
}

function writeOut(out: string | undefined, buf: Buffer): void {
  if (out) fs.writeFileSync(out, buf);
  else process.stdout.write(buf);
}

export function registerMattersCommand(program: Command): void {
  const matters = program.command('matters').description('事项数据需求清单: materials, 可免提交, 免提交率');

  matters
    .command('list')
    .description('事项 with materials (or all with --all), their 可免提交 counts')
    .option('--dept <code>', 'only this 实施部门', deptCode)
    .option('--all', 'also 事项 without materials')
    .option('--json', 'machine-readable output')
    .action((opts: { dept?: string; all?: boolean; json?: boolean }) =>
      withContext(async (ctx) => {
        const page = await listMatters(ctx.db, { department: opts.dept, withMaterials: !opts.all, page: 1, pageSize: 1000 });
        if (opts.json) return void process.stdout.write(JSON.stringify(page.results) + '\n');
        for (const m of page.results) process.stdout.write(`${m.code}\t${m.department_name ?? m.department_code}\t材料 ${m.materials.length}\t可免提交 ${m.exempt}\t${m.name}\n`);
      }),
    );

  matters
    .command('show <code>')
    .description('one 事项, each material with what replaces it or what is missing')
    .option('--json', 'machine-readable output')
    .action((code: string, opts: { json?: boolean }) =>
      withContext(async (ctx) => {
        const m = await showMatter(ctx.db, code);
        if (opts.json) process.stdout.write(JSON.stringify(m) + '\n');
        else printMatter(m);
      }),
    );

  matters
    .command('add-material <code>')
    .description('add a material to a 事项')
    .requiredOption('--name <name>', '材料名称, e.g. 身份证明')
    .requiredOption('--items <list>', '信息项名称, separated by 、 or commas, e.g. 姓名、公民身份证号')
    .requiredOption('--provider <department>', '提供单位: name or code, e.g. 区公安分局')
    .requiredOption('--usage <usage>', '使用方式: 查询 | 核验 | 批量比对')
    .requiredOption('--purpose <text>', '使用目的')
    .option('--dept <code>', 'act as this department (default: as the operator)', deptCode)
    .action((code: string, opts: { name: string; items: string; provider: string; usage: string; purpose: string; dept?: string }) =>
      withContext((ctx) =>
        reporting(async () => {
          await migrate(ctx.db);
          printMatter(await addMaterial(ctx.db, actingAs(opts.dept), code, { name: opts.name, items: opts.items, provider: opts.provider, usage: opts.usage, purpose: opts.purpose }));
        }),
      ),
    );

  matters
    .command('import <file>')
    .description('import a filled-in 调研表 (.csv or .xlsx); all or nothing, every bad cell listed')
    .option('--dept <code>', 'act as this department (default: as the operator)', deptCode)
    .action((file: string, opts: { dept?: string }) =>
      withContext((ctx) =>
        reporting(async () => {
          const format = sheetFormat(path.extname(file).slice(1).toLowerCase());
          let size: number;
          try {
            size = fs.statSync(file).size;
          } catch {
            throw new Error(`无法读取 ${file}：文件不存在或不可读`);
          }
          if (size > MAX_SHEET_BYTES) throw new Error(`${file} 超过 ${MAX_SHEET_BYTES / 1024 / 1024} MB`);
          await migrate(ctx.db);
          process.stdout.write(JSON.stringify(await importSurvey(ctx.db, actingAs(opts.dept), fs.readFileSync(file), format)) + '\n');
        }),
      ),
    );

  matters
    .command('export')
    .description('export the list as a 调研表 (.xlsx by default)')
    .option('--format <format>', 'csv | xlsx', sheetFormat, 'xlsx' as SheetFormat)
    .option('--dept <code>', 'only this 实施部门', deptCode)
    .option('--out <file>', 'write to this file instead of stdout')
    .action((opts: { format: SheetFormat; dept?: string; out?: string }) => withContext(async (ctx) => writeOut(opts.out, await exportSurvey(ctx.db, opts.format, opts.dept))));

  matters
    .command('report')
    .description('免提交率 per 事项, per department and in total, with lookups per 事项 in a period')
    .option('--from <date>', 'first day, YYYY-MM-DD (default: 30 days before --to)')
    .option('--to <date>', 'last day, YYYY-MM-DD (default: today, 北京时间)')
    .option('--dept <code>', 'only this 实施部门', deptCode)
    .option('--format <format>', 'text | json | csv | xlsx', 'text')
    .option('--out <file>', 'write to this file instead of stdout')
    .action((opts: { from?: string; to?: string; dept?: string; format: string; out?: string }) =>
      withContext(async (ctx) => {
        const report = await buildReport(ctx.db, parsePeriod(opts.from, opts.to), opts.dept);
        if (opts.format === 'csv' || opts.format === 'xlsx') return writeOut(opts.out, await writeReport(report, opts.format));
        if (opts.format === 'json') return writeOut(opts.out, Buffer.from(JSON.stringify(report) + '\n'));
        if (opts.format !== 'text') throw new InvalidArgumentError('--format 应为 text / json / csv / xlsx');
        const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
        const lines = [`免提交率 ${report.from} 至 ${report.to}`];
        for (const m of report.matters) lines.push(`  ${m.code}\t${m.department_name}\t材料 ${m.materials}\t可免提交 ${m.exempt}\t${pct(m.rate)}\t查询 ${m.lookups}\t${m.name}`);
        for (const d of report.departments) lines.push(`  部门 ${d.department_name}\t事项 ${d.matters}\t材料 ${d.materials}\t可免提交 ${d.exempt}\t${pct(d.rate)}\t查询 ${d.lookups}`);
        const t = report.total;
        lines.push(`  合计\t事项 ${t.matters}\t材料 ${t.materials}\t可免提交 ${t.exempt}\t${pct(t.rate)}\t查询 ${t.lookups}`);
        writeOut(opts.out, Buffer.from(lines.join('\n') + '\n'));
      }),
    );
}
