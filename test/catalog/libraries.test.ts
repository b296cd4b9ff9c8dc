/**
 * A library per resource (有目录必有数据): publishing creates the table of a resource's items,
 * a revision adds columns and hides removed items (keeping their data), a narrowing change is
 * refused with the item named, as is a column left by a failed publication whose type differs
 * from the item's; the base libraries are the same mechanism on their own tables.
 */
import { STORAGE_TARGETS } from '../support/databases';
import { testContext, TestContext } from '../support/context';
import { sampleRegistration } from '../support/catalog';
import { seedCatalogue } from '../../catalog/seed';
import { editDraft, publish, register, retire, revise } from '../../catalog/lifecycle';
import { baseLibrary, buildLibraryTable, isConnected, libraryOfResource } from '../../catalog/libraries';
import { baseResources } from '../../catalog/base-resources';
import { columnOf, LIBRARIES } from '../../core/registry';
import { ValidationFailed } from '../../catalog/validation';
import type { Registration } from '../../catalog/resources';
import type { Principal } from '../../catalog/principal';
import * as m851 from '../../catalog/migrations/851_library_unique_one_index';

const OPERATOR: Principal = { role: 'operator', sub: 'op' };
const RSJ: Principal = { role: 'department', sub: 'rsj', dept: 'ZC010' };
const CODE = '301010/00001';
const TABLE = 'lib_301010_00001';

async function refusal(p: Promise<unknown>): Promise<Array<{ field: string; reason: string }>> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationFailed);
  return (err as ValidationFailed).errors;
}

describe.each(STORAGE_TARGETS)('resource libraries on %s', (target) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await testContext(target);
    await seedCatalogue(ctx.db);
  });
  afterAll(() => ctx.dispose());

  it('the seeded base registrations are the registry: items, types, lengths, key, unique and required, on the existing tables', async () => {
    for (const reg of baseResources()) {
      const lib = Object.values(LIBRARIES).find((l) => l.resource_code === reg.code)!;
      const stored = (await libraryOfResource(ctx.db, reg.code))!;
      expect(stored).toEqual(baseLibrary(lib.name));
      expect(stored.table).toBe(lib.name);
      expect(stored.key.map((f) => f.toLowerCase())).toEqual([lib.key]);
      expect(stored.unique.map((f) => f.toLowerCase())).toEqual(lib.unique);
      expect(stored.required).toEqual(lib.items.filter((i) => i.required && columnOf(i) !== lib.key).map((i) => i.field));
      expect(stored.columns.map((c) => c.column)).toEqual(lib.items.map(columnOf));
      // the registration says the same, item by item
      expect(reg.items.map(({ field, name, data_type, length, sensitive }) => ({ field, name, data_type, length, sensitive }))).toEqual(
        lib.items.map(({ field, name, data_type, length, sensitive }) => ({ field, name, data_type, length, sensitive })),
      );
      expect(reg.library).toEqual({ key: stored.key, unique: stored.unique, required: stored.required });
    }
    expect(baseLibrary('population')).toMatchObject({ key: ['RYBH'], unique: ['GMSFZH'], required: ['GMSFZH', 'XM'] });
  });

  it('a registration shared by 接口 must declare its key, an existing short item; reasons name the field', async () => {
    const undeclared: Partial<Registration> = sampleRegistration();
    delete undeclared.library;
    expect(await refusal(register(ctx.db, RSJ, undeclared))).toEqual([{ field: 'library', reason: '共享方式为接口或库表时须声明库表（library.key 主键信息项）' }]);
    const bad = sampleRegistration({
      library: { key: ['SFZ'], unique: ['XM', 'BZ'] },
      items: [...sampleRegistration().items, { field: 'DELETED', name: '删除', data_type: 'L', sensitive: false }, { field: 'BZ', name: '备注', data_type: 'M', sensitive: false }],
    });
    expect(await refusal(register(ctx.db, RSJ, bad))).toEqual([
      { field: 'library.key.0', reason: '库表主键 SFZ 不是本资源的信息项' },
      { field: 'library.unique.1', reason: '唯一信息项 BZ 须为长度不超过 255 的字符、日期类信息项' },
      { field: 'items.4.field', reason: '字段名 DELETED 是库表的保留列名' },
    ]);
    const files = sampleRegistration({ share_mode: '文件', interfaces: undefined });
    expect(await refusal(register(ctx.db, RSJ, files))).toEqual([{ field: 'library', reason: '共享方式为文件的资源没有库表，不应声明 library' }]);
  });

  it('publishing creates lib_<code> with a column per item, typed and sized from the registration; not connected before a full run', async () => {
    const reg = sampleRegistration({
      items: [
        ...sampleRegistration().items,
        { field: 'JFJS', name: '缴费基数', data_type: 'Y', sensitive: false },
        { field: 'BZ', name: '备注', data_type: 'M', sensitive: false },
      ],
      library: { key: ['GMSFZH'], unique: ['XM'] },
    });
    await register(ctx.db, RSJ, reg);
    expect(await libraryOfResource(ctx.db, CODE)).toBeNull();
    expect(await ctx.db.schema.hasTable(TABLE)).toBe(false);
    await publish(ctx.db, OPERATOR, CODE);
    const lib = (await libraryOfResource(ctx.db, CODE))!;
    expect(lib).toMatchObject({ resourceCode: CODE, table: TABLE, key: ['GMSFZH'], unique: ['XM'], state: 'active' });
    expect(lib.columns.map((c) => [c.column, c.data_type, c.length ?? null, c.hidden])).toEqual([
      ['gmsfzh', 'C', 18, false],
      ['xm', 'C', 64, false],
      ['cbzt', 'C', 2, false],
      ['cbrq', 'D', 8, false],
      ['jfjs', 'Y', null, false],
      ['bz', 'M', null, false],
    ]);
    const info = await ctx.db(TABLE).columnInfo();
    for (const c of ['gmsfzh', 'xm', 'cbzt', 'cbrq', 'jfjs', 'bz', 'source_job', 'row_hash', 'deleted', 'seen_run']) expect(info).toHaveProperty(c);
    if (target === 'mysql') {
      expect(info.gmsfzh).toMatchObject({ type: 'varchar', maxLength: 18, nullable: false });
      expect(info.cbzt).toMatchObject({ type: 'varchar', maxLength: 2 });
      expect(info.jfjs.type).toBe('bigint');
      expect(info.bz.type).toBe('text');
    }
    // the key is the primary key; XM is unique among live rows only
    const row = { gmsfzh: '370306199001010012', xm: '张三', synced_at: 1 };
    await ctx.db(TABLE).insert(row);
    await expect(ctx.db(TABLE).insert({ ...row, xm: '李四' })).rejects.toBeTruthy();
    await expect(ctx.db(TABLE).insert({ ...row, gmsfzh: '370306199001010039' })).rejects.toBeTruthy();
    await ctx.db(TABLE).where({ gmsfzh: row.gmsfzh }).update({ deleted: true });
    await ctx.db(TABLE).insert({ ...row, gmsfzh: '370306199001010039' });
    expect(await isConnected(ctx.db, CODE)).toBe(false);
    expect(await isConnected(ctx.db, '101001/00001')).toBe(false); // rows alone are not a data path
  });

  it('a revision adds a column (existing rows keep theirs), a removed item is hidden with its column and data kept', async () => {
    const items = sampleRegistration().items.filter((i) => i.field !== 'CBRQ');
    const next = sampleRegistration({
      items: [...items, { field: 'JFJS', name: '缴费基数', data_type: 'Y', sensitive: false }, { field: 'BZ', name: '备注', data_type: 'M', sensitive: false }, { field: 'XZLX', name: '险种类型', data_type: 'C', length: 32, sensitive: false }],
      library: { key: ['GMSFZH'], unique: ['XM'] },
    });
    await revise(ctx.db, RSJ, CODE, next);
    await publish(ctx.db, OPERATOR, CODE);
    const lib = (await libraryOfResource(ctx.db, CODE))!;
    expect(lib.columns.map((c) => [c.field, c.hidden])).toEqual([
      ['GMSFZH', false], ['XM', false], ['CBZT', false], ['JFJS', false], ['BZ', false], ['XZLX', false], ['CBRQ', true],
    ]);
    await ctx.db(TABLE).where({ gmsfzh: '370306199001010039' }).update({ xzlx: '职工养老', cbrq: '20200101' });
    const stored = await ctx.db(TABLE).where({ gmsfzh: '370306199001010039' }).first();
    expect(stored).toMatchObject({ xm: '张三', xzlx: '职工养老', cbrq: '20200101' });
    // publishing again is idempotent; an item brought back is visible again, its data still there
    await revise(ctx.db, RSJ, CODE, { ...next, items: [...next.items, sampleRegistration().items[3]] });
    await publish(ctx.db, OPERATOR, CODE);
    expect((await libraryOfResource(ctx.db, CODE))!.columns.find((c) => c.field === 'CBRQ')).toMatchObject({ hidden: false });
  });

  it('a unique item has one index, unique on (item, live value); 851 brings a library published with two (live unique + plain) to it', async () => {
    const indexes = async (): Promise<string[]> => {
      if (target === 'mysql') {
        const [rows] = (await ctx.db.raw(
          'select index_name as ix, non_unique as nu, group_concat(column_name order by seq_in_index) as cols from information_schema.statistics where table_schema = database() and table_name = ? and index_name <> ? group by index_name, non_unique',
          [TABLE, 'PRIMARY'],
        )) as [Array<{ nu: number; cols: string }>];
        return rows.map((r) => `${Number(r.nu) ? 'index' : 'unique'} ${r.cols}`).sort();
      }
      const list = (await ctx.db.raw(`pragma index_list(\`${TABLE}\`)`)) as Array<{ name: string; unique: number; origin: string }>;
      const out: string[] = [];
      for (const ix of list.filter((i) => i.origin === 'c')) {
        const cols = ((await ctx.db.raw(`pragma index_info(\`${ix.name}\`)`)) as Array<{ name: string }>).map((c) => c.name);
        out.push(`${ix.unique ? 'unique' : 'index'} ${cols.join(',')}`);
      }
      return out.sort();
    };
    expect(await indexes()).toEqual(['unique xm,xm_live']);
    await m851.down(ctx.db);
    expect(await indexes()).toEqual(['index xm', 'unique xm_live']);
    await m851.up(ctx.db);
    expect(await indexes()).toEqual(['unique xm,xm_live']);
    // still unique among live records only
    const row = { xm: '王五', synced_at: 1 };
    await ctx.db(TABLE).insert({ ...row, gmsfzh: '370306199001010055' });
    await expect(ctx.db(TABLE).insert({ ...row, gmsfzh: '370306199001010071' })).rejects.toBeTruthy();
    await ctx.db(TABLE).where({ gmsfzh: '370306199001010055' }).update({ deleted: true });
    await ctx.db(TABLE).insert({ ...row, gmsfzh: '370306199001010071' });
    await ctx.db(TABLE).whereIn('gmsfzh', ['370306199001010055', '370306199001010071']).del(); // the later tests count the rows
  });

  it('a narrowing change is refused at submission and at publication, naming the item', async () => {
    const current = (await ctx.db('resources').where({ code: CODE, status: 'published' }).first('body')) as { body: string };
    const reg = JSON.parse(current.body) as Registration;
    const shorter = { ...reg, items: reg.items.map((i) => (i.field === 'XM' ? { ...i, length: 32 } : i)) };
    expect(await refusal(revise(ctx.db, RSJ, CODE, shorter))).toEqual([{ field: 'items.1.length', reason: '信息项 XM 的长度不能由 64 缩短为 32（库表中的数据可能放不下）' }]);
    const retyped = { ...reg, items: reg.items.map((i) => (i.field === 'CBZT' ? { ...i, data_type: 'N' as const } : i)) };
    expect(await refusal(revise(ctx.db, RSJ, CODE, retyped))).toEqual([{ field: 'items.2.data_type', reason: '信息项 CBZT 的数据类型不能由 C 改为 N（库表中已有该列）' }]);
    expect(await refusal(revise(ctx.db, RSJ, CODE, { ...reg, library: { key: ['XM'], required: ['CBZT'] } }))).toEqual([
      { field: 'library.key', reason: '库表主键不能修改（已发布为 GMSFZH）' },
      { field: 'library.unique', reason: '唯一信息项不能修改（已发布为 XM）' },
      { field: 'library.required', reason: '必填信息项不能修改（已发布为 无）' },
    ]);
    // a longer item is fine
    const longer = { ...reg, items: reg.items.map((i) => (i.field === 'XZLX' ? { ...i, length: 128 } : i)) };
    await revise(ctx.db, RSJ, CODE, longer);
    await publish(ctx.db, OPERATOR, CODE);
    if (target === 'mysql') expect((await ctx.db(TABLE).columnInfo()).xzlx.maxLength).toBe(128);
    // a draft stored before the library changed is re-checked at publication
    await revise(ctx.db, RSJ, CODE);
    await ctx.db('library_columns').where({ resource_code: CODE, field: 'CBZT' }).update({ length: 8 }); // as if published meanwhile
    expect(await refusal(publish(ctx.db, OPERATOR, CODE))).toEqual([{ field: 'items.2.length', reason: '信息项 CBZT 的长度不能由 8 缩短为 2（库表中的数据可能放不下）' }]);
    await ctx.db('library_columns').where({ resource_code: CODE, field: 'CBZT' }).update({ length: 2 });
    await editDraft(ctx.db, RSJ, CODE, longer);
    await publish(ctx.db, OPERATOR, CODE);
  });

  it('a column left by a publication that failed after its DDL is taken only with the item\'s type and length; otherwise refused naming the item', async () => {
    const reg = JSON.parse(((await ctx.db('resources').where({ code: CODE, status: 'published' }).first('body')) as { body: string }).body) as Registration;
    const n = reg.items.length;
    const withItems = (zzlb: Partial<Registration['items'][number]>, dwbm: Partial<Registration['items'][number]>): Registration => ({
      ...reg,
      items: [...reg.items, { field: 'ZZLB', name: '资助类别', data_type: 'Y', sensitive: false, ...zzlb }, { field: 'DWBM', name: '单位编码', data_type: 'C', length: 20, sensitive: false, ...dwbm }],
    });
    // the DDL of a publication that then failed: its columns are there, unrecorded
    await buildLibraryTable(ctx.db, withItems({}, {}));
    expect((await libraryOfResource(ctx.db, CODE))!.columns.map((c) => c.field)).not.toContain('ZZLB');
    await revise(ctx.db, RSJ, CODE, withItems({ data_type: 'C', length: 4 }, { length: 30 }));
    expect(await refusal(publish(ctx.db, OPERATOR, CODE))).toEqual([
      { field: `items.${n}.data_type`, reason: `信息项 ZZLB 的列 zzlb 已在库表 ${TABLE} 中（未完成的发布留下），其类型为整数，与登记的字符（长度 4）不符` },
      { field: `items.${n + 1}.length`, reason: `信息项 DWBM 的列 dwbm 已在库表 ${TABLE} 中（未完成的发布留下），其类型为字符（长度 20），与登记的字符（长度 30）不符` },
    ]);
    expect((await libraryOfResource(ctx.db, CODE))!.columns.map((c) => c.field)).not.toContain('ZZLB');
    // declared as the columns are, they are taken
    await editDraft(ctx.db, RSJ, CODE, withItems({}, {}));
    await publish(ctx.db, OPERATOR, CODE);
    expect((await libraryOfResource(ctx.db, CODE))!.columns.slice(n, n + 2).map((c) => [c.field, c.data_type, c.length ?? null])).toEqual([['ZZLB', 'Y', null], ['DWBM', 'C', 20]]);
  });

  it('retiring keeps the library and its data, marked retired', async () => {
    await retire(ctx.db, RSJ, CODE, '业务调整');
    expect(await libraryOfResource(ctx.db, CODE)).toMatchObject({ state: 'retired' });
    expect(Number((await ctx.db(TABLE).count({ n: '*' }))[0].n)).toBe(2);
  });
});
