/**
 * Example records for interface documents: synthetic, never a real record. Each is generated
 * (valid GB 11643 / GB 32100 check characters, so it reads like a real answer), then checked
 * against the base libraries: a value any library holds, live or deleted, is regenerated, so
 * a document can never show a person or organisation the gateway knows. The licence's holder
 * is an organisation: no natural person's name appears in any document.
 */
import type { Db } from '../core/db';
import { LibraryName, lookupSpec } from '../core/registry';
import { idCheckChar, orgCodeCheckChar, usccCheckChar } from '../schemas/checksums';

/** What a document says about its example. */
export const SYNTHETIC_NOTE = '接口返回示例为系统生成的虚构数据（校验位有效，不属于任何库中记录），敏感信息项按默认授权脱敏';

const ZHOUCUN = '370306';
const TRIES = 1000;

/** The n-th synthetic person: born 1980-01-01 in 周村区, sequence n. */
export function syntheticPerson(n: number): Record<string, string> {
  const seq = String(n % 1000).padStart(3, '0');
  const first17 = `${ZHOUCUN}19800101${seq}`;
  const gmsfzh = first17 + idCheckChar(first17);
  return {
    RYBH: `RY9${String(n).padStart(11, '0')}`,
    GMSFZH: gmsfzh,
    XM: '王样例',
    CSRQ: '19800101',
    MZ: '01',
    XB: Number(seq[2]) % 2 === 1 ? '1' : '2',
    JG: '山东省淄博市',
    CSD: '山东省淄博市周村区',
    HJD: '山东省淄博市周村区样例街道示范路1号',
  };
}

/** The n-th synthetic company: a credit code whose organisation code is 9900xxxx. */
export function syntheticEntity(n: number): Record<string, string | number> {
  const body8 = `99${String(n).padStart(6, '0')}`;
  const first17 = `91${ZHOUCUN}${body8}${orgCodeCheckChar(body8)}`;
  return {
    TYSHXYDM: first17 + usccCheckChar(first17),
    JGMC: '淄博市周村区样例商贸有限公司',
    JGLX: '有限责任公司',
    FDDBR: '李样例',
    ZCZB: 1000000,
    CLRQ: '20180101',
    DJJG: '淄博市周村区市场监督管理局',
    ZS: '山东省淄博市周村区样例街道示范路2号',
    JYFW: '日用百货销售（示例）',
    DJZT: '存续',
  };
}

/** The n-th synthetic licence, held by the synthetic company. */
export function syntheticLicence(n: number): Record<string, string | null> {
  const holder = syntheticEntity(n);
  return {
    ZZBH: `SL${String(n).padStart(10, '0')}`,
    ZZMC: '食品经营许可证',
    ZZLXDM: 'XK001',
    CZZT: String(holder.JGMC),
    CZZTDM: String(holder.TYSHXYDM),
    CZZTDMLX: '统一社会信用代码',
    ZZBFJG: '淄博市周村区市场监督管理局',
    ZZBFRQ: '20200101',
    ZZYXQQSRQ: '20200101',
    ZZYXQJZRQ: '20250101',
    ZZZT: '有效',
    SXMC: '食品经营许可',
  };
}

type Generator = (n: number) => Record<string, unknown>;

/** table, column, field: a synthetic value must not be any of these stored values. */
type Clash = [string, string, string];

interface ExampleSource {
  generate: Generator;
  clashes: Clash[];
}

const PERSON: ExampleSource = { generate: syntheticPerson, clashes: [['population', 'gmsfzh', 'GMSFZH'], ['population', 'rybh', 'RYBH'], ['licence', 'czztdm', 'GMSFZH']] };
const ENTITY: ExampleSource = { generate: syntheticEntity, clashes: [['legal_entity', 'tyshxydm', 'TYSHXYDM'], ['licence', 'czztdm', 'TYSHXYDM']] };
const LICENCE: ExampleSource = { generate: syntheticLicence, clashes: [['licence', 'zzbh', 'ZZBH'], ['licence', 'czztdm', 'CZZTDM'], ['legal_entity', 'tyshxydm', 'CZZTDM']] };

const BY_LIBRARY: Record<LibraryName, ExampleSource> = { population: PERSON, legal_entity: ENTITY, licence: LICENCE };

async function clashes(db: Db, record: Record<string, unknown>, checks: Clash[]): Promise<boolean> {
  for (const [table, column, field] of checks) {
    try {
      // deleted rows count too: they were someone
      if (await db(table).where(column, String(record[field])).first(column)) return true;
    } catch {
      // a library not migrated yet holds nothing
    }
  }
  return false;
}

/**
 * A synthetic record for the method's library, fields in the order asked (a field the
 * generator does not know is null), or null when the method has no base library.
 */
export async function syntheticRecord(db: Db, method: string, fields: string[]): Promise<Record<string, unknown> | null> {
  const spec = lookupSpec(method);
  if (!spec) return null;
  const src = BY_LIBRARY[spec.library];
  for (let n = 0; n < TRIES; n++) {
    const record = src.generate(n);
    if (await clashes(db, record, src.clashes)) continue;
    return Object.fromEntries(fields.map((f) => [f, record[f] ?? null]));
  }
  throw new Error(`no synthetic example for ${method} after ${TRIES} tries`);
}
