/**
 * The first-run demo: a front-end database full of synthetic department data, the catalogue's
 * reference data, 区人社局's published resource 社会保险参保信息, a demo consumer, and the
 * libraries (base and 人社) filled. Every step is skipped when
 * its result is already there, so a second `npm start` reuses everything.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../../gateway/context';
import { openKnex } from '../../core/db';
import { ensurePrivateDir } from '../../core/files';
import { parseLicensingItems } from '../../catalog/gazette';
import { seedCatalogue } from '../../catalog/seed';
import { ensureDemoGrants } from '../../catalog/demo-grants';
import { BASE_RESOURCE_CODES } from '../../catalog/base-resources';
import { addConsumer, findConsumer } from '../../catalog/consumers';
import { createFrontendTables, DEFAULT_DEMO_SIZE, DemoSize, fillFrontend } from './frontend';
import { defineJob } from '../../adapters/sync/jobs';
import { sourcePolicy } from '../../adapters/sources';
import { SyncEngine } from '../../adapters/sync/engine';
import { getWatermark } from '../../adapters/sync/watermarks';
import { summaryLine } from '../../adapters/sync/runs';
import { demoJobs } from './jobs';
import { CIVIL_AFFAIRS_TABLE, createCivilAffairsTable, fillCivilAffairs } from './civil-affairs';
import { ownsRecords } from '../../adapters/verification/ownership';
import { ensureDemoMatters } from './matters';
import { createSocialInsuranceTable, ensureSocialInsuranceResource, fillSocialInsurance, SOCIAL_INSURANCE_CODE, SOCIAL_INSURANCE_TABLE } from './social-insurance';
import type { Knex } from 'knex';

export const DEMO_CONSUMER_ID = 'zc-yichuang';
export const DEMO_CONSUMER_NAME = '周村区一窗受理平台';
export const ALL_LOOKUPS = ['getRKZP', 'getRKHY', 'batchRKHY', 'getFRXX', 'getDZZZ', 'getDZZZHY'];

export function frontendDemoFile(dataDir: string): string {
  return path.join(dataDir, 'frontend-demo.db');
}

/**
 * Builds the demo front-end SQLite file. It is written under a temporary name and renamed
 * when complete, so an interrupted build never leaves a half-filled database behind.
 */
export async function buildFrontendDemoFile(
  file: string,
  size: DemoSize = DEFAULT_DEMO_SIZE,
  onProgress?: (table: string, done: number, total: number) => void,
): Promise<void> {
  const tmp = `${file}.building-${process.pid}`;
  fs.rmSync(tmp, { force: true });
  const db = openKnex({ client: 'sqlite', sqliteFile: tmp });
  try {
    await createFrontendTables(db);
    await fillFrontend(db, size, parseLicensingItems(), onProgress);
    await addLaterTables(db);
    await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
  } finally {
    await db.destroy();
  }
  for (const ext of ['-wal', '-shm']) fs.rmSync(tmp + ext, { force: true });
  fs.renameSync(tmp, file);
}

/** The tables made from the 公安 table (民政's, 人社's) that a front-end database lacks. */
async function addLaterTables(db: Knex): Promise<void> {
  if (!(await db.schema.hasTable(CIVIL_AFFAIRS_TABLE))) {
    await createCivilAffairsTable(db);
    await fillCivilAffairs(db);
  }
  if (!(await db.schema.hasTable(SOCIAL_INSURANCE_TABLE))) {
    await createSocialInsuranceTable(db);
    await fillSocialInsurance(db);
  }
}

/** A front-end database built before 民政's or 人社's table existed gets them. */
async function addLaterTablesTo(file: string): Promise<void> {
  const db = openKnex({ client: 'sqlite', sqliteFile: file });
  try {
    await addLaterTables(db);
  } finally {
    await db.destroy();
  }
}

export interface DemoState {
  frontendFile: string;
  builtFrontend: boolean;
  /** rows written per library (by table) by the first full sync, null when it had run before */
  synced: Record<string, number> | null;
  /** the demo consumer's secret when this run created it; null afterwards (printed once) */
  consumerSecret: string | null;
}

export function demoConsumerFile(dataDir: string): string {
  return path.join(dataDir, 'demo-consumer.json');
}

/**
 * Registers the demo consumer on the first run and returns its secret, to be printed that
 * once; it is also kept in DATA_DIR/demo-consumer.json (0600) for whoever missed it. Later
 * runs return null: a secret is not written to the terminal (and its scrollback, CI logs)
 * on every start.
 */
async function ensureDemoConsumer(ctx: AppContext): Promise<string | null> {
  const file = demoConsumerFile(ctx.config.dataDir);
  if (await findConsumer(ctx.db, DEMO_CONSUMER_ID)) return null;
  const { secret } = await addConsumer(ctx.db, {
    id: DEMO_CONSUMER_ID,
    name: DEMO_CONSUMER_NAME,
    departmentCode: 'ZC901',
    methods: ALL_LOOKUPS,
  });
  ensurePrivateDir(ctx.config.dataDir);
  fs.writeFileSync(file, JSON.stringify({ client_id: DEMO_CONSUMER_ID, client_secret: secret }, null, 2), { mode: 0o600 });
  return secret;
}

export async function ensureDemo(ctx: AppContext, size: DemoSize = DEFAULT_DEMO_SIZE): Promise<DemoState> {
  const frontendFile = frontendDemoFile(ctx.config.dataDir);
  let builtFrontend = false;
  if (!fs.existsSync(frontendFile)) {
    ctx.log.info({ file: frontendFile, ...size }, 'building the demo front-end database');
    await buildFrontendDemoFile(frontendFile, size);
    builtFrontend = true;
  } else {
    await addLaterTablesTo(frontendFile);
  }
  await seedCatalogue(ctx.db);
  await ensureSocialInsuranceResource(ctx.db);
  const consumerSecret = await ensureDemoConsumer(ctx);
  await ensureDemoGrants(ctx.db, DEMO_CONSUMER_ID, DEMO_CONSUMER_NAME, [...BASE_RESOURCE_CODES, SOCIAL_INSURANCE_CODE]);
  await ensureDemoMatters(ctx.db);

  // the demo's jobs go through the real sync engine; the first full run fills the libraries
  let synced: Record<string, number> | null = null;
  const engine = new SyncEngine(ctx.db, { leaseMs: ctx.config.sync.leaseMs });
  for (const def of demoJobs(frontendFile)) {
    const job = await defineJob(ctx.db, def, sourcePolicy(ctx.config));
    if (await getWatermark(ctx.db, job.id)) continue;
    const outcome = await engine.run(job, 'full');
    if (outcome.status === 'skipped') {
      ctx.log.info({ job: job.id, reason: outcome.reason }, 'demo sync skipped');
      continue;
    }
    ctx.log.info({ job: job.id }, summaryLine(outcome.run));
    if (outcome.status === 'failed') throw new Error(`演示数据首次全量同步失败：${outcome.run.error ?? ''}`);
    // rows per library: counted from the jobs that create its records
    if (ownsRecords(job, job.library)) synced = { ...(synced ?? {}), [job.target]: outcome.run.written };
  }
  return { frontendFile, builtFrontend, synced, consumerSecret };
}
