/**
 * Synthetic front-end records, in the departments' own column names. Valid by construction:
 * GB 11643 ID numbers, GB 32100 credit codes (with a GB 11714 organisation code inside),
 * GB/T 2261.1 sex codes, GB/T 3304 ethnicity codes, licence types from 附件4.
 */
import { idCheckChar, orgCodeCheckChar, usccCheckChar } from '../../schemas/checksums';
import type { LicensingItem } from '../../catalog/gazette';
import { rngFor, Rng } from './random';
import {
  BUSINESS_SCOPES, ENTITY_TYPES, FIRM_CORES, FIRM_PREFIXES, FIRM_TRADES, GIVEN_CHARS, ROADS, SURNAMES, ZHOUCUN_STREETS, ZIBO_AREAS,
} from './vocabulary';

const KIND_PERSON = 1;
const KIND_ENTITY = 2;
const KIND_LICENCE = 3;

const DAY_MS = 86400000;
const BIRTH_START = Date.UTC(1935, 0, 1);
const BIRTH_DAYS = 32000; // 1935 … 2022
/** Base of the synthetic update times; a hundred rows share each second, on purpose. */
export const DEMO_EPOCH = Date.UTC(2026, 0, 1);

export interface PersonRow {
  RYBH: string;
  GMSFZH: string;
  XM: string;
  CSRQ: string;
  MZ: string;
  XB: string;
  JG: string;
  CSD: string;
  HJD: string;
  GXSJ: string;
  SCBZ: number;
}

export interface EntityRow {
  TYSHXYDM: string;
  JGMC: string;
  JGLX: string;
  FDDBR: string;
  ZCZB: number;
  CLRQ: string;
  DJJG: string;
  ZS: string;
  JYFW: string;
  DJZT: string;
  GXSJ: string;
  SCBZ: number;
}

export interface LicenceRow {
  ZZBH: string;
  ZZMC: string;
  ZZLXDM: string;
  CZZT: string;
  CZZTDM: string;
  CZZTDMLX: string;
  ZZBFJG: string;
  ZZBFRQ: string;
  ZZYXQQSRQ: string;
  ZZYXQJZRQ: string | null;
  ZZZT: string;
  SXMC: string;
  GXSJ: string;
  SCBZ: number;
}

function ymd(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replace(/-/g, '');
}

/** Source timestamps at microsecond precision, as a MySQL DATETIME(6) prints them. */
export function sourceTime(ms: number, micros = 0): string {
  const iso = new Date(ms).toISOString(); // 2026-01-01T00:00:00.000Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(new Date(ms).getUTCMilliseconds() * 1000 + micros).padStart(6, '0')}`;
}

export function personName(rng: Rng): string {
  const given = rng.chance(0.6) ? rng.pick(GIVEN_CHARS) + rng.pick(GIVEN_CHARS) : rng.pick(GIVEN_CHARS);
  return rng.pick(SURNAMES) + given;
}

function address(rng: Rng): string {
  return `山东省淄博市周村区${rng.pick(ZHOUCUN_STREETS)}${rng.pick(ROADS)}${rng.int(1, 299)}号`;
}

/** 人员编码 of person #index. */
export function personKey(index: number): string {
  return 'RY' + String(index + 1).padStart(12, '0');
}

/**
 * Person #index. Birth day and sequence are derived from the index (a bijection), so ID
 * numbers never collide however many are made (up to 16 million).
 */
export function person(seed: number, index: number): PersonRow {
  const rng = rngFor(seed, KIND_PERSON, index);
  const area = rng.pick(ZIBO_AREAS);
  const day = (index * 7919) % BIRTH_DAYS;
  const male = rng.chance(0.51);
  const seq = Math.floor(index / BIRTH_DAYS) * 2 + (male ? 1 : 0);
  const csrq = ymd(BIRTH_START + day * DAY_MS);
  const first17 = area.code + csrq + String(seq).padStart(3, '0');
  const mz = rng.chance(0.96) ? '01' : String(rng.int(2, 56)).padStart(2, '0');
  return {
    RYBH: personKey(index),
    GMSFZH: first17 + idCheckChar(first17),
    XM: personName(rng),
    CSRQ: csrq,
    MZ: mz,
    XB: male ? '1' : '2',
    JG: `山东省淄博市${area.name}`,
    CSD: `山东省淄博市${area.name}`,
    HJD: address(rng),
    GXSJ: sourceTime(DEMO_EPOCH + Math.floor(index / 100) * 1000),
    SCBZ: 0,
  };
}

const ORG_SCRAMBLE = 48271; // coprime with 10^8: index → organisation code body is a bijection

export function creditCode(index: number, category: string): string {
  const body = String((index * ORG_SCRAMBLE + 12345678) % 100000000).padStart(8, '0');
  const org = body + orgCodeCheckChar(body);
  const first17 = '9' + category + '370306' + org;
  return first17 + usccCheckChar(first17);
}

export function entity(seed: number, index: number): EntityRow {
  const rng = rngFor(seed, KIND_ENTITY, index);
  const jglx = rng.pick(ENTITY_TYPES);
  const category = jglx === '农民专业合作社' ? '3' : '1';
  // names from the index so they stay unique: 40 × 40 × 30 = 48,000 before a branch suffix
  const p = FIRM_PREFIXES[index % 40];
  const c = FIRM_CORES[Math.floor(index / 40) % 40];
  const trade = FIRM_TRADES[Math.floor(index / 1600) % 30];
  const round = Math.floor(index / 48000);
  const suffix = jglx === '农民专业合作社' ? '专业合作社' : jglx.startsWith('股份') ? '股份有限公司' : jglx.includes('合伙') ? '中心（普通合伙）' : jglx === '个人独资企业' ? '经营部' : '有限公司';
  const jgmc = `淄博${p}${c}${trade}${suffix}${round > 0 ? `第${round}分部` : ''}`;
  const clrq = ymd(Date.UTC(1995, 0, 1) + rng.int(0, 11000) * DAY_MS);
  const djzt = rng.chance(0.88) ? '存续' : rng.pick(['在业', '吊销', '注销', '迁出']);
  const scopes = new Set<string>();
  const n = rng.int(1, 3);
  while (scopes.size < n) scopes.add(rng.pick(BUSINESS_SCOPES));
  return {
    TYSHXYDM: creditCode(index, category),
    JGMC: jgmc,
    JGLX: jglx,
    FDDBR: personName(rng),
    ZCZB: rng.int(1, 5000) * 10000,
    CLRQ: clrq,
    DJJG: '淄博市周村区工商行政管理局',
    ZS: address(rng),
    JYFW: [...scopes].join('；') + '。（依法须经批准的项目，经相关部门批准后方可开展经营活动）',
    DJZT: djzt,
    GXSJ: sourceTime(DEMO_EPOCH + Math.floor(index / 100) * 1000),
    SCBZ: 0,
  };
}

export function issuingAuthority(department: string): string {
  return department.startsWith('区') ? '淄博市周村' + department : '淄博市' + department;
}

export function licenceName(item: LicensingItem): string {
  return /证$|许可$/.test(item.name) ? item.name : `${item.name}决定书`;
}

/**
 * Licence #index: a licensing item of 附件4, held by one of the generated entities
 * (70 %) or people (30 %).
 */
export function licence(seed: number, index: number, items: readonly LicensingItem[], people: number, entities: number): LicenceRow {
  const rng = rngFor(seed, KIND_LICENCE, index);
  const item = items[index % items.length];
  let czzt: string;
  let czztdm: string;
  let czztdmlx: string;
  if (rng.chance(0.7) && entities > 0) {
    const e = entity(seed, rng.int(0, entities - 1));
    czzt = e.JGMC;
    czztdm = e.TYSHXYDM;
    czztdmlx = '统一社会信用代码';
  } else {
    const p = person(seed, rng.int(0, Math.max(0, people - 1)));
    czzt = p.XM;
    czztdm = p.GMSFZH;
    czztdmlx = '公民身份号码';
  }
  const issued = Date.UTC(2012, 0, 1) + rng.int(0, 5000) * DAY_MS;
  const longTerm = rng.chance(0.15);
  const end = longTerm ? null : ymd(issued + rng.int(2, 6) * 365 * DAY_MS);
  const r = rng.next();
  const zzzt = r < 0.9 ? '有效' : r < 0.96 ? '注销' : '吊销';
  return {
    ZZBH: `370306${item.code}${ymd(issued).slice(0, 4)}${String(index + 1).padStart(7, '0')}`,
    ZZMC: licenceName(item),
    ZZLXDM: item.code,
    CZZT: czzt,
    CZZTDM: czztdm,
    CZZTDMLX: czztdmlx,
    ZZBFJG: issuingAuthority(item.department),
    ZZBFRQ: ymd(issued),
    ZZYXQQSRQ: ymd(issued),
    ZZYXQJZRQ: end,
    ZZZT: zzzt,
    SXMC: item.name,
    GXSJ: sourceTime(DEMO_EPOCH + Math.floor(index / 100) * 1000),
    SCBZ: 0,
  };
}
