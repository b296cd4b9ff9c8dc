/**
 * The base-library repository on every storage target: a key matches by equality only (no
 * case folding, no prefix, no wildcard, whatever the database's collation), soft-deleted rows
 * never come back, rows come in the template's fields, order and types, and a non-unique key
 * returns at most MAX_ROWS rows in key order.
 */
import { BaseLibraries, MAX_ROWS, toRecord } from '../../../gateway/lookups/repository';
import { STORAGE_TARGETS } from '../../support/databases';
import { testContext, TestContext } from '../../support/context';

const book = (deleted = false) => ({ synced_at: 1, deleted, deleted_at: deleted ? 1 : null, source_job: 'test' });

const person = (gmsfzh: string, xm: string, deleted = false) => ({
  rybh: 'RY' + gmsfzh.slice(-6), gmsfzh, xm, csrq: '19900101', mz: '01', xb: '1', jg: null, csd: null, hjd: null, ...book(deleted),
});
const entity = (tyshxydm: string, jgmc: string, deleted = false) => ({
  tyshxydm, jgmc, jglx: null, fddbr: null, zczb: 500, clrq: null, djjg: null, zs: null, jyfw: null, djzt: '存续', ...book(deleted),
});
const licence = (zzbh: string, czztdm: string, zzlxdm = '0042', deleted = false) => ({
  zzbh, zzmc: '食品经营许可证', zzlxdm, czzt: '某公司', czztdm, czztdmlx: '统一社会信用代码', zzbfjg: null, zzbfrq: null,
  zzyxqqsrq: null, zzyxqjzrq: null, zzzt: '有效', sxmc: null, ...book(deleted),
});

describe.each(STORAGE_TARGETS)('base-library repository on %s', (target) => {
  let ctx: TestContext;
  let repo: BaseLibraries;

  beforeAll(async () => {
    ctx = await testContext(target);
    await ctx.db('population').insert([
      person('11010519491231002X', '张三Abc'),
      person('370306199001011238', '李四'),
      person('370306199001011246', '王五', true),
    ]);
    await ctx.db('legal_entity').insert([
      entity('91350100M000100Y43', '淄博Abc商贸有限公司'),
      entity('91370306000000000T', '淄博Abc商贸有限公司'),
      entity('913703060000000010', '淄博Abc商贸有限公司', true),
      entity('913703060000000029', '淄博Abc商贸'),
      entity('913703060000000037', '淄博%商贸有限公司'),
    ]);
    await ctx.db('licence').insert([
      licence('ZC-B', '91350100M000100Y43'),
      licence('ZC-A', '91350100M000100Y43', '0043'),
      licence('ZC-C', '91350100M000100Y43', '0042', true),
      licence('ZC-D', '91370306000000000T'),
      ...Array.from({ length: MAX_ROWS + 5 }, (_, i) => licence(`ZC-MANY-${String(i).padStart(3, '0')}`, '11010519491231002X')),
      licence('ZC-ZZZ', '11010519491231002X', '0099'), // after the many in number order
    ]);
    repo = new BaseLibraries(ctx.db);
  });
  afterAll(async () => {
    await ctx?.dispose().catch(() => undefined);
  });

  it('finds a person by the exact number only, in the template fields', async () => {
    expect(await repo.personById('11010519491231002X')).toEqual({
      RYBH: 'RY31002X', GMSFZH: '11010519491231002X', XM: '张三Abc', CSRQ: '19900101', MZ: '01', XB: '1', JG: null, CSD: null, HJD: null,
    });
    expect(await repo.personById('11010519491231002x')).toBeNull();
    expect(await repo.personById('11010519491231002')).toBeNull();
    expect(await repo.personById('%')).toBeNull();
    expect(await repo.personById('370306199001011246')).toBeNull(); // deleted
  });

  it('lookups asked together (one statement) get the answers they get one by one', async () => {
    const asked = [
      () => repo.personById('11010519491231002X'), () => repo.personById('11010519491231002x'), () => repo.personById('370306199001011246'),
      () => repo.personById('370306199001011238'), () => repo.entityByCreditCode('91350100M000100Y43'), () => repo.entityByCreditCode('91350100m000100y43'),
      () => repo.licenceByNumber('ZC-B'), () => repo.licenceByNumber('zc-b'), () => repo.licenceByNumber('ZC-C'), () => repo.licenceByNumber('ZC-D'),
    ];
    const oneByOne: unknown[] = [];
    for (const ask of asked) oneByOne.push(await ask());
    expect(oneByOne.filter((r) => r !== null)).toHaveLength(5);
    expect(await Promise.all(asked.map((ask) => ask()))).toEqual(oneByOne);
  });

  it('finds names by exact numbers, many at once, without deleted rows', async () => {
    const many = Array.from({ length: 1200 }, (_, i) => String(i).padStart(18, '0'));
    const names = await repo.namesByIds([...many, '11010519491231002X', '370306199001011238', '370306199001011246', '11010519491231002x', '370306199001011238']);
    expect([...names.entries()].sort()).toEqual([['11010519491231002X', '张三Abc'], ['370306199001011238', '李四']]);
    const late = await repo.namesByIds([...many.slice(0, 1001), '370306199001011238']);
    expect([...late.keys()]).toEqual(['370306199001011238']);
    expect((await repo.namesByIds([])).size).toBe(0);
  });

  it('finds an entity by the exact credit code only', async () => {
    expect((await repo.entityByCreditCode('91350100M000100Y43'))?.JGMC).toBe('淄博Abc商贸有限公司');
    expect(await repo.entityByCreditCode('91350100m000100y43')).toBeNull();
    expect(await repo.entityByCreditCode('913703060000000010')).toBeNull(); // deleted
  });

  it('finds entities by the exact full name: no prefix, no case folding, no wildcard', async () => {
    const found = await repo.entitiesByName('淄博Abc商贸有限公司');
    expect(found.map((e) => e.TYSHXYDM)).toEqual(['91350100M000100Y43', '91370306000000000T']);
    expect(Object.keys(found[0])).toEqual(['TYSHXYDM', 'JGMC', 'JGLX', 'FDDBR', 'ZCZB', 'CLRQ', 'DJJG', 'ZS', 'JYFW', 'DJZT']);
    expect(found[0].ZCZB).toBe(500);
    expect(await repo.entitiesByName('淄博abc商贸有限公司')).toEqual([]);
    expect(await repo.entitiesByName('淄博ABC商贸有限公司')).toEqual([]);
    expect((await repo.entitiesByName('淄博Abc商贸')).map((e) => e.TYSHXYDM)).toEqual(['913703060000000029']);
    expect(await repo.entitiesByName('淄博Abc')).toEqual([]);
    expect((await repo.entitiesByName('淄博%商贸有限公司')).map((e) => e.TYSHXYDM)).toEqual(['913703060000000037']);
    expect(await repo.entitiesByName('淄博_bc商贸有限公司')).toEqual([]);
  });

  it('finds a licence by the exact number only', async () => {
    expect((await repo.licenceByNumber('ZC-B'))?.ZZLXDM).toBe('0042');
    expect(await repo.licenceByNumber('zc-b')).toBeNull();
    expect(await repo.licenceByNumber('ZC-')).toBeNull();
    expect(await repo.licenceByNumber('ZC-C')).toBeNull(); // deleted
  });

  it('finds a holder’s licences by the exact code and, when given, the exact type, in number order', async () => {
    expect((await repo.licencesByHolder('91350100M000100Y43')).map((l) => l.ZZBH)).toEqual(['ZC-A', 'ZC-B']);
    expect((await repo.licencesByHolder('91350100M000100Y43', '0042')).map((l) => l.ZZBH)).toEqual(['ZC-B']);
    expect((await repo.licencesByHolder('91350100M000100Y43', '0043')).map((l) => l.ZZBH)).toEqual(['ZC-A']);
    expect(await repo.licencesByHolder('91350100M000100Y43', '004')).toEqual([]);
    expect(await repo.licencesByHolder('91350100m000100y43')).toEqual([]);
    const many = await repo.licencesByHolder('11010519491231002X');
    expect(many).toHaveLength(MAX_ROWS);
    expect(many[0].ZZBH).toBe('ZC-MANY-000');
    expect(many[MAX_ROWS - 1].ZZBH).toBe(`ZC-MANY-${String(MAX_ROWS - 1).padStart(3, '0')}`);
    expect(await repo.licencesByHolder('11010519491231002x')).toEqual([]);
    // the type narrows the query itself, not only what the first MAX_ROWS rows show
    expect((await repo.licencesByHolder('11010519491231002X', '0099')).map((l) => [l.ZZBH, l.ZZLXDM, l.CZZTDM])).toEqual([['ZC-ZZZ', '0099', '11010519491231002X']]);
  });
});

describe('a row as a template record', () => {
  it('keeps the template order and names, reads the lower-case column, and gives null for what is absent', () => {
    const r = toRecord<Record<string, unknown>>(['B', 'A', 'C'], { a: 'x', b: 'y', B: 'upper', d: 'other' });
    expect(Object.keys(r)).toEqual(['B', 'A', 'C']);
    expect(r).toEqual({ B: 'y', A: 'x', C: null });
    expect(toRecord(['A'], { a: null })).toEqual({ A: null });
    expect(toRecord(['A'], { a: 0 })).toEqual({ A: 0 });
    expect(toRecord(['A'], { a: '' })).toEqual({ A: '' });
  });

  it('turns big integers into numbers, and whole-number strings into numbers for ZCZB (money) only', () => {
    expect(toRecord(['ZCZB', 'XH'], { zczb: BigInt(500), xh: BigInt(7) })).toEqual({ ZCZB: 500, XH: 7 });
    expect(toRecord(['ZCZB'], { zczb: '500' })).toEqual({ ZCZB: 500 });
    expect(toRecord(['ZCZB'], { zczb: '500.50' })).toEqual({ ZCZB: '500.50' });
    expect(toRecord(['ZCZB'], { zczb: '1e3' })).toEqual({ ZCZB: '1e3' });
    expect(toRecord(['ZCZB'], { zczb: ' 500' })).toEqual({ ZCZB: ' 500' });
    expect(toRecord(['ZCZB'], { zczb: '500 ' })).toEqual({ ZCZB: '500 ' });
    expect(toRecord(['CLRQ'], { clrq: '20200101' })).toEqual({ CLRQ: '20200101' });
  });
});
