/**
 * Catalogue search benchmark (not a test). Builds a fresh database with N published
 * resources (default 10,000) and times searchResources — text, facet and combined queries,
 * facet counts included — reporting p50/p99. Rerunnable: every run uses a new database.
 *
 *   node dist/scripts/bench/catalog.js [--resources 10000] [--queries 300] [--mysql mysql://…/db]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Db, openKnex } from '../../core/db';
import { migrate } from '../app/migrations';
import { seedReferenceData } from '../../catalog/seed';
import { parseDepartments, parseLicensingItems } from '../../catalog/gazette';
import { insertVersion, Registration } from '../../catalog/resources';
import { parseSearchQuery, searchResources } from '../../catalog/search';
import { reindexResource } from '../../catalog/search-index';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}

/** Deterministic pseudo-random numbers, so every run measures the same catalogue. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const CYCLES = ['实时', '每日', '每周', '每月', '每季度', '每年', '其他'];
const MODES = ['库表', '接口', '文件'] as const;
const CATS = [['基础', '1'], ['主题', '2'], ['部门', '3']] as const;
const ITEM_WORDS = ['姓名', '公民身份号码', '统一社会信用代码', '证照编号', '登记日期', '地址', '联系电话', '状态', '金额', '类别', '批准文号', '有效期'];

function registration(i: number, rand: () => number, depts: string[], subjects: string[]): Registration {
  const [category, lei] = CATS[Math.floor(rand() * 3)];
  const xiang = String(1 + Math.floor(rand() * 20)).padStart(2, '0');
  const mu = String(1 + Math.floor(rand() * 200)).padStart(3, '0');
  const subject = subjects[Math.floor(rand() * subjects.length)];
  const share = (['1', '2', '3'] as const)[Math.floor(rand() * 3)];
  const nItems = 3 + Math.floor(rand() * 10);
  return {
    code: `${lei}${xiang}${mu}/${String(i + 1).padStart(5, '0')}`,
    name: `${subject}信息${i % 7 === 0 ? '（历史）' : ''}`,
    category,
    classification: { lei, xiang, mu },
    provider_code: depts[Math.floor(rand() * depts.length)],
    summary: `${subject}的办理结果与相关登记信息，第 ${i + 1} 号资源。`,
    format: '数据库',
    items: Array.from({ length: nItems }, (_, k) => ({ field: `F${k}`, name: ITEM_WORDS[(i + k) % ITEM_WORDS.length], data_type: 'C' as const, length: 64, sensitive: k === 0 })),
    share_type: share,
    ...(share === '2' ? { share_condition: '经提供部门审核' } : share === '3' ? { no_share_basis: '涉及国家秘密' } : {}),
    share_mode: MODES[Math.floor(rand() * 3)],
    open_type: '不予开放',
    update_cycle: CYCLES[Math.floor(rand() * CYCLES.length)],
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function build(db: Db, n: number): Promise<void> {
  await migrate(db);
  await seedReferenceData(db);
  const rand = rng(42);
  const depts = parseDepartments().filter((d) => d.kind === '部门').map((d) => d.code);
  const subjects = parseLicensingItems().map((x) => x.name);
  const now = Date.now();
  for (let i = 0; i < n; i += 500) {
    await db.transaction(async (trx) => {
      for (let k = i; k < Math.min(n, i + 500); k++) {
        const reg = registration(k, rand, depts, subjects);
        const id = await insertVersion(trx, reg, 1, 'published', now - (n - k) * 1000);
        await trx('resources').where({ id }).update({ published_at: now - (n - k) * 1000 });
        await reindexResource(trx, reg.code);
      }
    });
  }
}

async function time(db: Db, label: string, queries: Array<Record<string, string>>): Promise<{ label: string; p50: number; p99: number; hits: number }> {
  const ms: number[] = [];
  let hits = 0;
  for (const q of queries) {
    const t0 = process.hrtime.bigint();
    const r = await searchResources(db, parseSearchQuery(q));
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    hits += r.total;
  }
  ms.sort((a, b) => a - b);
  return { label, p50: Math.round(percentile(ms, 50) * 10) / 10, p99: Math.round(percentile(ms, 99) * 10) / 10, hits: Math.round(hits / queries.length) };
}

async function main(): Promise<void> {
  const n = Number(arg('resources', '10000'));
  const nq = Number(arg('queries', '300'));
  const mysql = arg('mysql', '');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dprs-bench-'));
  const db = mysql ? openKnex({ client: 'mysql', url: mysql }) : openKnex({ client: 'sqlite', sqliteFile: path.join(dir, 'bench.db') });
  try {
    if (mysql) {
      for (const t of ['resource_search', 'resource_items', 'resources', 'licensing_items', 'departments']) if (await db.schema.hasTable(t)) await db(t).delete();
    }
    const t0 = Date.now();
    await build(db, n);
    process.stdout.write(`built ${n} resources in ${((Date.now() - t0) / 1000).toFixed(1)} s on ${mysql ? 'MySQL/MariaDB' : 'SQLite'}\n`);
    const rand = rng(7);
    const words = ['许可', '登记', '证', '备案', '资质', '建设', '烟草', '食品', '消防', '公章刻制', '办理结果', '历史'];
    const depts = parseDepartments().filter((d) => d.kind === '部门').map((d) => d.code);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
    const text = Array.from({ length: nq }, () => ({ q: pick(words) }));
    const facet = Array.from({ length: nq }, () => ({ provider: pick(depts), share_type: pick(['1', '2', '3']), update_cycle: pick(CYCLES) }));
    const both = Array.from({ length: nq }, () => ({ q: pick(words), share_mode: pick(MODES), category: pick(['基础', '主题', '部门']), page: String(1 + Math.floor(rand() * 3)) }));
    const rows = [await time(db, 'text', text), await time(db, 'facets', facet), await time(db, 'text + facets', both)];
    process.stdout.write(`${nq} queries each (every query also computes 5 facet counts):\n`);
    for (const r of rows) process.stdout.write(`  ${r.label.padEnd(14)} p50 ${r.p50} ms   p99 ${r.p99} ms   (mean hits ${r.hits})\n`);
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
