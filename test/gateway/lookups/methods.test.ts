/**
 * Every lookup method's rule on its own, over an in-memory repository: which key reaches the
 * query, exact-match semantics of each parameter (equality: no prefix, no case folding, no
 * widening), both keys for getRKZP, every verdict, and the audit key.
 */
import { lookupMethod, LOOKUP_METHODS, todayInChina } from '../../../gateway/lookups/methods';
import { LICENCE_VERDICTS, PERSON_VERDICTS } from '../../../core/registry';
import type { BaseLibraries, EntityRecord, LicenceRecord, PersonRecord } from '../../../gateway/lookups/repository';
import { ApiError } from '../../../core/result-codes';
import { idCheckChar, orgCodeCheckChar, usccCheckChar } from '../../../schemas/checksums';

const ID = '37030619900101123' + idCheckChar('37030619900101123');
const OTHER_ID = '37030619900101124' + idCheckChar('37030619900101124');
const ID15 = '370306900101123'; // the same person's legacy number
const ID_WITH_X = '11010519491231002X';
const ORG = 'MA3C0000';
const CODE17 = '91370306' + ORG + orgCodeCheckChar(ORG);
const CODE = CODE17 + usccCheckChar(CODE17);

function personRecord(gmsfzh: string, xm: string): PersonRecord {
  return { RYBH: 'RY1', GMSFZH: gmsfzh, XM: xm, CSRQ: '19900101', MZ: '01', XB: '1', JG: null, CSD: null, HJD: null };
}

function licence(zzbh: string, czztdm: string, zzzt: string, end: string | null): LicenceRecord {
  return {
    ZZBH: zzbh, ZZMC: '食品经营许可证', ZZLXDM: '0042', CZZT: '某公司', CZZTDM: czztdm, CZZTDMLX: '统一社会信用代码', ZZBFJG: null,
    ZZBFRQ: null, ZZYXQQSRQ: null, ZZYXQJZRQ: end, ZZZT: zzzt, SXMC: null,
  };
}

/** The repository's contract, by exact key; every call is recorded. */
function fakeRepo(opts: { people?: PersonRecord[]; entities?: EntityRecord[]; licences?: LicenceRecord[] } = {}) {
  const calls: Array<[string, ...unknown[]]> = [];
  const repo = {
    async personById(id: string) {
      calls.push(['personById', id]);
      return opts.people?.find((p) => p.GMSFZH === id) ?? null;
    },
    async namesByIds(ids: readonly string[]) {
      calls.push(['namesByIds', [...ids]]);
      return new Map((opts.people ?? []).filter((p) => ids.includes(p.GMSFZH)).map((p) => [p.GMSFZH, p.XM]));
    },
    async entityByCreditCode(code: string) {
      calls.push(['entityByCreditCode', code]);
      return opts.entities?.find((e) => e.TYSHXYDM === code) ?? null;
    },
    async entitiesByName(name: string) {
      calls.push(['entitiesByName', name]);
      return (opts.entities ?? []).filter((e) => e.JGMC === name);
    },
    async licenceByNumber(zzbh: string) {
      calls.push(['licenceByNumber', zzbh]);
      return opts.licences?.find((l) => l.ZZBH === zzbh) ?? null;
    },
    async licencesByHolder(czztdm: string, zzlxdm?: string) {
      calls.push(['licencesByHolder', czztdm, zzlxdm]);
      return (opts.licences ?? []).filter((l) => l.CZZTDM === czztdm && (zzlxdm === undefined || l.ZZLXDM === zzlxdm));
    },
  };
  return { repo: repo as unknown as BaseLibraries, calls };
}

const method = (name: string) => LOOKUP_METHODS.get(name)!;

async function run(name: string, raw: unknown, repo: BaseLibraries, today = '20260101') {
  const m = method(name);
  return m.run(repo, m.parse(raw), today);
}

function reason(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (err instanceof ApiError) return err.message;
    throw err;
  }
}

/** Names that differ from 张三丰 by one of the ways a careless comparison would let through. */
const NEAR_NAMES = ['张三', '张', '张三丰丰', '三丰', '张三风', '张 三丰', '张三丰 x', 'X张三丰'];

describe('getRKZP: both keys must match', () => {
  const alice = personRecord(ID, '张三丰');

  it('returns the person when number and name both match, looking up the canonical number', async () => {
    const { repo, calls } = fakeRepo({ people: [alice] });
    expect(await run('getRKZP', { xm: '张三丰', gmsfzh: ID }, repo)).toEqual([alice]);
    expect(calls).toEqual([['personById', ID]]);
  });

  it.each(NEAR_NAMES)('returns nothing for the right number with the near name %s', async (xm) => {
    const { repo } = fakeRepo({ people: [alice] });
    expect(await run('getRKZP', { xm, gmsfzh: ID }, repo)).toEqual([]);
  });

  it('compares Latin letters in a name with their case', async () => {
    const { repo } = fakeRepo({ people: [personRecord(ID, '玛丽Anne')] });
    expect(await run('getRKZP', { xm: '玛丽Anne', gmsfzh: ID }, repo)).toHaveLength(1);
    expect(await run('getRKZP', { xm: '玛丽anne', gmsfzh: ID }, repo)).toEqual([]);
    expect(await run('getRKZP', { xm: '玛丽ANNE', gmsfzh: ID }, repo)).toEqual([]);
    expect(await run('getRKZP', { xm: '玛丽Ａｎｎｅ', gmsfzh: ID }, repo)).toEqual([]); // full-width letters are other characters
  });

  it('trims the blanks around a given name and a stored one, and only those', async () => {
    const { repo } = fakeRepo({ people: [personRecord(ID, ' 张三丰 ')] });
    expect(await run('getRKZP', { xm: '\t张三丰  ', gmsfzh: ID }, repo)).toHaveLength(1);
    expect(await run('getRKZP', { xm: '张 三 丰', gmsfzh: ID }, repo)).toEqual([]);
  });

  it('returns nothing for the right name with another number, and for nobody', async () => {
    const { repo } = fakeRepo({ people: [alice] });
    expect(await run('getRKZP', { xm: '张三丰', gmsfzh: OTHER_ID }, repo)).toEqual([]);
    expect(await run('getRKZP', { xm: '张三丰', gmsfzh: OTHER_ID }, fakeRepo().repo)).toEqual([]);
  });

  it('looks up a 15-digit number and a lower-case x by their canonical form', async () => {
    const { repo, calls } = fakeRepo();
    await run('getRKZP', { xm: '张三丰', gmsfzh: ID15 }, repo);
    await run('getRKZP', { xm: '张三丰', gmsfzh: ID_WITH_X.toLowerCase() }, repo);
    expect(calls).toEqual([
      ['personById', ID],
      ['personById', ID_WITH_X],
    ]);
  });

  it('audits the canonical number', () => {
    const m = method('getRKZP');
    expect(m.queryKey(m.parse({ xm: '张三丰', gmsfzh: ID15 }))).toBe(ID);
  });
});

describe('getRKHY: every verdict', () => {
  const alice = personRecord(ID, '张三丰');

  it('一致 for the same name, with only the verdict fields', async () => {
    const { repo, calls } = fakeRepo({ people: [alice] });
    expect(await run('getRKHY', { xm: ' 张三丰 ', gmsfzh: ID }, repo)).toEqual([{ HYJG: '一致', HYJGDM: '1' }]);
    expect(calls).toEqual([['personById', ID]]);
  });

  it.each(NEAR_NAMES)('不一致 for the near name %s', async (xm) => {
    const { repo } = fakeRepo({ people: [alice] });
    expect(await run('getRKHY', { xm, gmsfzh: ID }, repo)).toEqual([{ HYJG: '不一致', HYJGDM: '2' }]);
  });

  it('查无此人 for an unknown number', async () => {
    expect(await run('getRKHY', { xm: '张三丰', gmsfzh: OTHER_ID }, fakeRepo({ people: [alice] }).repo)).toEqual([{ HYJG: '查无此人', HYJGDM: '3' }]);
  });

  it('hands out copies of the verdicts, never the shared constants', async () => {
    const [a] = await run('getRKHY', { xm: '张三丰', gmsfzh: ID }, fakeRepo({ people: [alice] }).repo);
    (a as Record<string, unknown>).HYJG = 'changed';
    expect(PERSON_VERDICTS.MATCH.HYJG).toBe('一致');
  });

  it('answers only the verdict fields', () => {
    expect(method('getRKHY').fields).toEqual(['HYJG', 'HYJGDM']);
    expect(method('getDZZZHY').fields).toEqual(['HYJG', 'HYJGDM']);
    expect(method('batchRKHY').fields).toEqual(['HYJG', 'HYJGDM']);
  });
});

describe('batchRKHY', () => {
  const people = [personRecord(ID, '张三丰'), personRecord(OTHER_ID, '李四')];

  it('answers each item in order with its own verdict or its own 400, querying the valid numbers once', async () => {
    const { repo, calls } = fakeRepo({ people });
    const items = [
      { xm: '张三丰', gmsfzh: ID },
      { xm: '张三', gmsfzh: ID },
      { xm: '李四', gmsfzh: ID.slice(0, 17) + (ID[17] === '0' ? '1' : '0') },
      { xm: '李四', gmsfzh: OTHER_ID },
      { xm: '王五', gmsfzh: ID_WITH_X },
      { xm: '', gmsfzh: ID },
    ];
    expect(await run('batchRKHY', { items }, repo)).toEqual([
      { XH: 1, result_code: '200', msg: '操作成功', HYJG: '一致', HYJGDM: '1' },
      { XH: 2, result_code: '200', msg: '操作成功', HYJG: '不一致', HYJGDM: '2' },
      { XH: 3, result_code: '400', msg: '参数错误：gmsfzh 公民身份号码校验位错误' },
      { XH: 4, result_code: '200', msg: '操作成功', HYJG: '一致', HYJGDM: '1' },
      { XH: 5, result_code: '200', msg: '操作成功', HYJG: '查无此人', HYJGDM: '3' },
      { XH: 6, result_code: '400', msg: '参数错误：xm 不能为空' },
    ]);
    expect(calls).toEqual([['namesByIds', [ID, ID, OTHER_ID, ID_WITH_X]]]);
  });

  it('keys the audit by each valid item, "-" (or null) for an invalid one', () => {
    const m = method('batchRKHY');
    const parsed = m.parse({ items: [{ xm: '张三丰', gmsfzh: ID }, { xm: '张三丰' }, { xm: '李四', gmsfzh: ID15 }] });
    expect(m.queryKey(parsed)).toBe(`${ID},-,${ID}`);
    expect(m.itemKeys!(parsed)).toEqual([ID, null, ID]);
  });

  it('rejects the whole request only for its own shape', () => {
    expect(reason(() => method('batchRKHY').parse({ items: [] }))).toBe('参数错误：items 不能为空列表');
    expect(reason(() => method('batchRKHY').parse({ items: ['x'] }))).toBe('参数错误：items.0 类型错误，应为对象');
    expect(reason(() => method('batchRKHY').parse({}))).toBe('参数错误：items 缺少必填项');
  });

  it('lets errors other than a 400 through', () => {
    const hostile = { items: [new Proxy({}, { ownKeys: () => { throw new RangeError('boom'); } })] };
    expect(() => method('batchRKHY').parse(hostile)).toThrow(RangeError);
  });
});

describe('getFRXX', () => {
  const firm: EntityRecord = {
    TYSHXYDM: CODE, JGMC: '淄博周村Abc商贸有限公司', JGLX: null, FDDBR: null, ZCZB: null, CLRQ: null, DJJG: null, ZS: null, JYFW: null, DJZT: null,
  };

  it('finds by the canonical credit code', async () => {
    const { repo, calls } = fakeRepo({ entities: [firm] });
    expect(await run('getFRXX', { tyshxydm: CODE.toLowerCase() }, repo)).toEqual([firm]);
    expect(await run('getFRXX', { tyshxydm: '91350100M000100Y43' }, repo)).toEqual([]);
    expect(calls).toEqual([['entityByCreditCode', CODE], ['entityByCreditCode', '91350100M000100Y43']]);
  });

  it('finds by the full name as given (trimmed), never by a part of it', async () => {
    const { repo, calls } = fakeRepo({ entities: [firm] });
    expect(await run('getFRXX', { jgmc: ' 淄博周村Abc商贸有限公司 ' }, repo)).toEqual([firm]);
    for (const jgmc of ['淄博周村Abc商贸', '周村Abc商贸有限公司', '淄博周村abc商贸有限公司', '淄博周村Abc商贸有限公司（分部）']) {
      expect(await run('getFRXX', { jgmc }, repo)).toEqual([]);
    }
    expect(calls[0]).toEqual(['entitiesByName', '淄博周村Abc商贸有限公司']);
    expect(calls[2]).toEqual(['entitiesByName', '周村Abc商贸有限公司']);
  });

  it('audits the code, or the name marked as a name', () => {
    const m = method('getFRXX');
    expect(m.queryKey(m.parse({ tyshxydm: CODE.toLowerCase() }))).toBe(CODE);
    expect(m.queryKey(m.parse({ jgmc: ' 某公司 ' }))).toBe('jgmc:某公司');
  });

  it('takes exactly one of the two keys, and checks the credit code', () => {
    const one = '参数错误：tyshxydm 须且只能提供 tyshxydm（统一社会信用代码）或 jgmc（机构名称）之一';
    expect(reason(() => method('getFRXX').parse({}))).toBe(one);
    expect(reason(() => method('getFRXX').parse({ tyshxydm: CODE, jgmc: '某公司' }))).toBe(one);
    expect(reason(() => method('getFRXX').parse({ tyshxydm: CODE.slice(0, 17) + (CODE[17] === '0' ? '1' : '0') }))).toBe('参数错误：tyshxydm 统一社会信用代码校验位错误');
    expect(reason(() => method('getFRXX').parse({ jgmc: '  ' }))).toBe('参数错误：jgmc 不能为空');
  });
});

describe('getDZZZ', () => {
  const lic = (zzbh: string, czztdm: string, zzlxdm = '0042') => ({ ...licence(zzbh, czztdm, '有效', null), ZZLXDM: zzlxdm });

  it('finds by the licence number as given (trimmed), exactly', async () => {
    const { repo, calls } = fakeRepo({ licences: [lic('ZC-1', CODE)] });
    expect(await run('getDZZZ', { zzbh: ' ZC-1 ' }, repo)).toHaveLength(1);
    for (const zzbh of ['zc-1', 'ZC-', 'ZC-10']) expect(await run('getDZZZ', { zzbh }, repo)).toEqual([]);
    expect(calls.map((c) => c[1])).toEqual(['ZC-1', 'zc-1', 'ZC-', 'ZC-10']);
  });

  it('finds by holder code, canonical, and narrows by type only when a type is given', async () => {
    const { repo, calls } = fakeRepo({ licences: [lic('ZC-1', CODE), lic('ZC-2', CODE, '0043'), lic('ZC-3', ID)] });
    expect((await run('getDZZZ', { czztdm: CODE.toLowerCase() }, repo)).map((l) => l.ZZBH)).toEqual(['ZC-1', 'ZC-2']);
    expect((await run('getDZZZ', { czztdm: CODE, zzlxdm: ' 0043 ' }, repo)).map((l) => l.ZZBH)).toEqual(['ZC-2']);
    expect((await run('getDZZZ', { czztdm: ID15 }, repo)).map((l) => l.ZZBH)).toEqual(['ZC-3']);
    expect((await run('getDZZZ', { czztdm: OTHER_ID }, repo)).map((l) => l.ZZBH)).toEqual([]);
    expect(calls).toEqual([
      ['licencesByHolder', CODE, undefined],
      ['licencesByHolder', CODE, '0043'],
      ['licencesByHolder', ID, undefined],
      ['licencesByHolder', OTHER_ID, undefined],
    ]);
  });

  it('audits the licence number marked as one, or the canonical holder code', () => {
    const m = method('getDZZZ');
    expect(m.queryKey(m.parse({ zzbh: ' ZC-1 ' }))).toBe('zzbh:ZC-1');
    expect(m.queryKey(m.parse({ czztdm: CODE.toLowerCase(), zzlxdm: '0042' }))).toBe(CODE);
  });

  it('rejects a holder code that is neither kind, giving the closer rule’s reason', () => {
    expect(reason(() => method('getDZZZ').parse({ czztdm: ID.slice(0, 17) + (ID[17] === '0' ? '1' : '0') }))).toBe('参数错误：czztdm 公民身份号码校验位错误');
    expect(reason(() => method('getDZZZ').parse({ czztdm: '37030619900101' }))).toBe('参数错误：czztdm 公民身份号码长度应为18位，实际14位');
    expect(reason(() => method('getDZZZ').parse({ czztdm: CODE.slice(0, 17) + (CODE[17] === '0' ? '1' : '0') }))).toBe(
      '参数错误：czztdm 须为统一社会信用代码或公民身份号码（统一社会信用代码校验位错误）',
    );
    expect(reason(() => method('getDZZZ').parse({ czztdm: ' ' }))).toBe('参数错误：czztdm 须为统一社会信用代码或公民身份号码（统一社会信用代码不能为空）');
    expect(reason(() => method('getDZZZ').parse({ zzbh: ' ' }))).toBe('参数错误：zzbh 不能为空');
    expect(reason(() => method('getDZZZ').parse({ czztdm: CODE, zzlxdm: ' ' }))).toBe('参数错误：zzlxdm 不能为空');
    expect(reason(() => method('getDZZZ').parse({ zzbh: 'ZC-1', zzlxdm: '0042' }))).toBe(
      '参数错误：zzbh 须提供 zzbh（证照编号），或 czztdm（持证主体代码，可加 zzlxdm），二者不可同时提供',
    );
  });
});

describe('getDZZZHY: every verdict', () => {
  const verdict = async (l: LicenceRecord | null, czztdm = CODE, today = '20260615') => {
    const { repo } = fakeRepo({ licences: l ? [l] : [] });
    return run('getDZZZHY', { zzbh: 'ZC-1', czztdm }, repo, today);
  };

  it('有效 while the end date is today or later, and for 长期 (no end date)', async () => {
    expect(await verdict(licence('ZC-1', CODE, '有效', '20260615'))).toEqual([LICENCE_VERDICTS.VALID]);
    expect(await verdict(licence('ZC-1', CODE, '有效', '20260616'))).toEqual([{ HYJG: '有效', HYJGDM: '1' }]);
    expect(await verdict(licence('ZC-1', CODE, '有效', null))).toEqual([{ HYJG: '有效', HYJGDM: '1' }]);
  });

  it('已过期 from the day after the end date', async () => {
    expect(await verdict(licence('ZC-1', CODE, '有效', '20260614'))).toEqual([{ HYJG: '已过期', HYJGDM: '2' }]);
    expect(await verdict(licence('ZC-1', CODE, '有效', '20251231'))).toEqual([{ HYJG: '已过期', HYJGDM: '2' }]);
  });

  it('已注销或吊销 for a cancelled or revoked licence, whatever its dates', async () => {
    for (const zzzt of ['注销', '吊销']) {
      expect(await verdict(licence('ZC-1', CODE, zzzt, null))).toEqual([{ HYJG: '已注销或吊销', HYJGDM: '3' }]);
      expect(await verdict(licence('ZC-1', CODE, zzzt, '20200101'))).toEqual([{ HYJG: '已注销或吊销', HYJGDM: '3' }]);
    }
  });

  it('查无此证 for no licence, and for a licence held by someone else', async () => {
    expect(await verdict(null)).toEqual([{ HYJG: '查无此证', HYJGDM: '4' }]);
    expect(await verdict(licence('ZC-1', ID, '有效', null))).toEqual([{ HYJG: '查无此证', HYJGDM: '4' }]);
    expect(await verdict(licence('ZC-1', CODE, '吊销', null), ID)).toEqual([{ HYJG: '查无此证', HYJGDM: '4' }]);
  });

  it('compares the holder by its canonical code', async () => {
    expect(await verdict(licence('ZC-1', CODE, '有效', null), CODE.toLowerCase())).toEqual([{ HYJG: '有效', HYJGDM: '1' }]);
    expect(await verdict(licence('ZC-1', ID, '有效', null), ID15)).toEqual([{ HYJG: '有效', HYJGDM: '1' }]);
  });

  it('audits the licence number', () => {
    const m = method('getDZZZHY');
    expect(m.queryKey(m.parse({ zzbh: ' ZC-1', czztdm: CODE }))).toBe('zzbh:ZC-1');
  });

  it('needs both parameters', () => {
    expect(reason(() => method('getDZZZHY').parse({ zzbh: 'ZC-1' }))).toBe('参数错误：czztdm 缺少必填项');
    expect(reason(() => method('getDZZZHY').parse({ zzbh: ' ', czztdm: CODE }))).toBe('参数错误：zzbh 不能为空');
  });
});

describe('method table', () => {
  it('offers each method on its interfaces only', () => {
    expect([...LOOKUP_METHODS.keys()]).toEqual(['getRKZP', 'getRKHY', 'batchRKHY', 'getFRXX', 'getDZZZ', 'getDZZZHY']);
    for (const name of ['getRKZP', 'getRKHY', 'getFRXX', 'getDZZZ', 'getDZZZHY']) {
      expect(lookupMethod(name, 'json')?.name).toBe(name);
      expect(lookupMethod(name, 'soap')?.name).toBe(name);
    }
    expect(lookupMethod('batchRKHY', 'json')?.name).toBe('batchRKHY');
    expect(lookupMethod('batchRKHY', 'soap')).toBeNull();
    expect(lookupMethod('getNothing', 'json')).toBeNull();
  });

  it('names what each verification compares, and only verifications', () => {
    expect(Object.fromEntries([...LOOKUP_METHODS.values()].map((m) => [m.name, m.compares ?? null]))).toEqual({
      getRKZP: null, getRKHY: ['XM', 'GMSFZH'], batchRKHY: ['XM', 'GMSFZH'], getFRXX: null, getDZZZ: null, getDZZZHY: ['ZZBH', 'CZZTDM'],
    });
  });

  it('names the holder a licence is checked against as a subject of getDZZZHY', () => {
    const m = method('getDZZZHY');
    expect(m.askedSubjects!(m.parse({ zzbh: 'ZC-1', czztdm: ID15 }))).toEqual([ID]);
    expect(m.askedSubjects!(m.parse({ zzbh: 'ZC-1', czztdm: CODE.toLowerCase() }))).toEqual([CODE]);
    expect([...LOOKUP_METHODS.values()].filter((x) => x.askedSubjects).map((x) => x.name)).toEqual(['getDZZZHY']);
  });

  it('names the template title and fields of each method', () => {
    expect(Object.fromEntries([...LOOKUP_METHODS.values()].map((m) => [m.name, m.title]))).toEqual({
      getRKZP: '人口户籍信息', getRKHY: '身份核验', batchRKHY: '批量身份比对', getFRXX: '法人单位信息', getDZZZ: '电子证照信息', getDZZZHY: '证照核验',
    });
    expect(method('getRKZP').fields).toEqual(['RYBH', 'GMSFZH', 'XM', 'CSRQ', 'MZ', 'XB', 'JG', 'CSD', 'HJD']);
  });

  it('tells today in China Standard Time, turning at 16:00 UTC', () => {
    expect(todayInChina(Date.UTC(2026, 0, 1, 15, 59, 59, 999))).toBe('20260101');
    expect(todayInChina(Date.UTC(2026, 0, 1, 16, 0, 0, 0))).toBe('20260102');
    expect(todayInChina(Date.UTC(2025, 11, 31, 16, 0, 0, 0))).toBe('20260101');
  });
});

describe('each parameter’s 400 names that parameter', () => {
  const badId = ID.slice(0, 17) + (ID[17] === '0' ? '1' : '0');
  it.each([
    ['getRKZP', { xm: ' ', gmsfzh: ID }, '参数错误：xm 不能为空'],
    ['getRKZP', { xm: '张三丰', gmsfzh: badId }, '参数错误：gmsfzh 公民身份号码校验位错误'],
    ['getRKHY', { xm: ' ', gmsfzh: ID }, '参数错误：xm 不能为空'],
    ['getRKHY', { xm: '张三丰', gmsfzh: badId }, '参数错误：gmsfzh 公民身份号码校验位错误'],
    ['getFRXX', { tyshxydm: CODE17 + (CODE[17] === '0' ? '1' : '0') }, expect.stringMatching(/^参数错误：tyshxydm /)],
    ['getDZZZHY', { zzbh: 'ZZ1', czztdm: '123' }, expect.stringMatching(/^参数错误：czztdm /)],
    ['getDZZZHY', { zzbh: '\t', czztdm: CODE }, '参数错误：zzbh 不能为空'],
  ])('%s %j', (name, raw, expected) => {
    expect(reason(() => method(name).parse(raw))).toEqual(expected);
  });
});

describe('a stored name is compared without its surrounding blanks by every verification', () => {
  it('getRKHY and batchRKHY', async () => {
    const { repo } = fakeRepo({ people: [personRecord(ID, ' 张三丰\t')] });
    expect(await run('getRKHY', { xm: '张三丰', gmsfzh: ID }, repo)).toEqual([{ HYJG: '一致', HYJGDM: '1' }]);
    expect(await run('batchRKHY', { items: [{ xm: '张三丰', gmsfzh: ID }] }, repo)).toEqual([{ XH: 1, result_code: '200', msg: '操作成功', HYJG: '一致', HYJGDM: '1' }]);
    expect(await run('getRKHY', { xm: '张三', gmsfzh: ID }, repo)).toEqual([{ HYJG: '不一致', HYJGDM: '2' }]);
  });
});
