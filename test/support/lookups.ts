/**
 * Fixtures for the lookup suites: a few base-library rows written straight into the tables
 * (from the demo generators, plus hand-made licences for each verdict), a consumer, tokens,
 * and small HTTP helpers for the JSON and SOAP interfaces.
 */
import { addConsumer } from '../../catalog/consumers';
import { seedCatalogue } from '../../catalog/seed';
import { ensureDemoGrants } from '../../catalog/demo-grants';
import { issueToken } from '../../gateway/auth/tokens';
import type { Db } from '../../core/db';
import type { Config } from '../../core/config';
import { ALL_LOOKUPS } from '../../scripts/demo';
import { entity, person } from '../../scripts/demo/records';

export const SEED = 20181009;
export const CONSUMER = 'test-window';
export const PURPOSE = encodeURIComponent('办理个体工商户营业执照');

export interface Fixtures {
  alice: { gmsfzh: string; xm: string; rybh: string };
  /** a person whose row is soft-deleted */
  ghost: { gmsfzh: string; xm: string };
  /** a person born before 2000 whose 15-digit legacy number upgrades to her 18-digit one */
  legacy: { id15: string; gmsfzh: string; xm: string };
  firm: { tyshxydm: string; jgmc: string };
  deletedFirm: { tyshxydm: string; jgmc: string };
  licences: { valid: string; expired: string; revoked: string; longTerm: string; deleted: string };
}

const bookkeeping = (deleted = false) => ({ synced_at: Date.now(), deleted, deleted_at: deleted ? Date.now() : null, source_job: 'test' });

function personRow(i: number, deleted = false) {
  const p = person(SEED, i);
  return { rybh: p.RYBH, gmsfzh: p.GMSFZH, xm: p.XM, csrq: p.CSRQ, mz: p.MZ, xb: p.XB, jg: p.JG, csd: p.CSD, hjd: p.HJD, ...bookkeeping(deleted) };
}

function entityRow(i: number, deleted = false) {
  const e = entity(SEED, i);
  return { tyshxydm: e.TYSHXYDM, jgmc: e.JGMC, jglx: e.JGLX, fddbr: e.FDDBR, zczb: e.ZCZB, clrq: e.CLRQ, djjg: e.DJJG, zs: e.ZS, jyfw: e.JYFW, djzt: e.DJZT, ...bookkeeping(deleted) };
}

export async function insertFixtures(db: Db): Promise<Fixtures> {
  const people = [0, 1, 2, 3, 4].map((i) => personRow(i));
  const ghost = personRow(5, true);
  // a person with a legacy-compatible number (born 19xx, so 15 digits can name her)
  const legacyRow = people.find((p) => p.gmsfzh.slice(6, 8) === '19')!;
  await db('population').insert([...people, ghost]);
  const firm = entityRow(0);
  const deletedFirm = entityRow(1, true);
  await db('legal_entity').insert([firm, deletedFirm, entityRow(2)]);
  const holder = firm.tyshxydm;
  const lic = (zzbh: string, zzyxqjzrq: string | null, zzzt: string, deleted = false) => ({
    zzbh, zzmc: '食品经营许可证', zzlxdm: '0042', czzt: firm.jgmc, czztdm: holder, czztdmlx: '统一社会信用代码', zzbfjg: '淄博市周村区市场监督管理局',
    zzbfrq: '20200101', zzyxqqsrq: '20200101', zzyxqjzrq, zzzt, sxmc: '食品经营许可', ...bookkeeping(deleted),
  });
  await db('licence').insert([
    lic('ZC-VALID-1', '20991231', '有效'),
    lic('ZC-EXPIRED-1', '20210101', '有效'),
    lic('ZC-REVOKED-1', '20991231', '吊销'),
    lic('ZC-LONG-1', null, '有效'),
    lic('ZC-DELETED-1', '20991231', '有效', true),
  ]);
  await addConsumer(db, { id: CONSUMER, name: '测试窗口', methods: ALL_LOOKUPS, secret: 'test-consumer-secret-0123456789' });
  // the lookups authorise by catalogue grants: publish the base resources, grant every item
  await seedCatalogue(db);
  await ensureDemoGrants(db, CONSUMER, '测试窗口');
  const alice = people[0];
  return {
    alice: { gmsfzh: alice.gmsfzh, xm: alice.xm, rybh: alice.rybh },
    ghost: { gmsfzh: ghost.gmsfzh, xm: ghost.xm },
    legacy: { id15: legacyRow.gmsfzh.slice(0, 6) + legacyRow.gmsfzh.slice(8, 17), gmsfzh: legacyRow.gmsfzh, xm: legacyRow.xm },
    firm: { tyshxydm: firm.tyshxydm, jgmc: firm.jgmc },
    deletedFirm: { tyshxydm: deletedFirm.tyshxydm, jgmc: deletedFirm.jgmc },
    licences: { valid: 'ZC-VALID-1', expired: 'ZC-EXPIRED-1', revoked: 'ZC-REVOKED-1', longTerm: 'ZC-LONG-1', deleted: 'ZC-DELETED-1' },
  };
}

export function tokenFor(config: Config, consumerId = CONSUMER, methods: string[] = ALL_LOOKUPS): string {
  return issueToken(config, consumerId, methods).access_token;
}

export interface Answer {
  status: number;
  body: { msg: string; result_code: string; data: Record<string, unknown>[] };
  text: string;
}

export async function postJson(base: string, method: string, params: unknown, headers: Record<string, string>): Promise<Answer> {
  const r = await fetch(`${base}/dprs/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(params),
  });
  const text = await r.text();
  return { status: r.status, body: JSON.parse(text), text };
}

export async function auditCount(db: Db): Promise<number> {
  const row = await db('audit_log').count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}
