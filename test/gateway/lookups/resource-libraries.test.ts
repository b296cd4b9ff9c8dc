/**
 * The repository of the resource libraries (gateway/lookups/resource-libraries.ts), on a table
 * described by hand: live rows whose given items all equal their values, the answer columns in
 * catalogue order without hidden ones, ordered by the library's key, at most MAX_ROWS; numeric
 * items as numbers whichever way the driver gives them; names that are not plain identifiers
 * never reach SQL.
 */
import { STORAGE_TARGETS } from '../../support/databases';
import { testContext, TestContext } from '../../support/context';
import { answerColumns, findByItems } from '../../../gateway/lookups/resource-libraries';
import { MAX_ROWS } from '../../../gateway/lookups/repository';
import type { LibraryColumn, ResourceLibrary } from '../../../catalog/libraries';
import type { DataType } from '../../../core/registry';

const col = (field: string, data_type: DataType, hidden = false): LibraryColumn => ({ field, column: field.toLowerCase(), name: field, data_type, sensitive: false, hidden });

/** Catalogue order differs from the table's column order; HID was removed by a revision. */
const LIB: ResourceLibrary = {
  resourceCode: '399999/00001',
  table: 'lib_scratch',
  key: ['K1', 'K2'],
  unique: [],
  required: [],
  columns: [col('TXT', 'C'), col('K1', 'C'), col('K2', 'C'), col('NY', 'Y'), col('NN', 'N'), col('NI', 'I'), col('NF', 'F'), col('DAT', 'D'), col('HID', 'C', true)],
  state: 'active',
};
const TEXT_COLUMNS = ['k1', 'k2', 'txt', 'ny', 'nn', 'ni', 'nf', 'dat', 'hid'];

const NOT_PLAIN = 'library identifier is not a plain name';

describe.each(STORAGE_TARGETS)('resource libraries on %s', (target) => {
  let ctx: TestContext;
  /** every item stored as text, as a driver giving DECIMAL as text would hand it over */
  const row = (k1: string, k2: string, over: Record<string, string | null> = {}, deleted = false) => ({ k1, k2, txt: 'x', ny: null, nn: null, ni: null, nf: null, dat: null, hid: 'hidden', deleted, ...over });
  const find = (match: Record<string, string>, lib: ResourceLibrary = LIB) => findByItems(ctx.db, lib, new Map(Object.entries(match)));

  beforeAll(async () => {
    ctx = await testContext(target);
    await ctx.db.schema.createTable('lib_scratch', (t) => {
      for (const c of TEXT_COLUMNS) t.string(c, 32);
      t.boolean('deleted').notNullable();
    });
  });
  afterAll(() => ctx.dispose());
  afterEach(() => ctx.db('lib_scratch').delete());

  it('answers the items that are not hidden, in catalogue order', async () => {
    expect(answerColumns(LIB).map((c) => c.field)).toEqual(['TXT', 'K1', 'K2', 'NY', 'NN', 'NI', 'NF', 'DAT']);
    await ctx.db('lib_scratch').insert(row('a', '1', { dat: '20100101' }));
    const [r] = await find({ K1: 'a' });
    expect(Object.keys(r)).toEqual(['TXT', 'K1', 'K2', 'NY', 'NN', 'NI', 'NF', 'DAT']);
    expect(r).toEqual({ TXT: 'x', K1: 'a', K2: '1', NY: null, NN: null, NI: null, NF: null, DAT: '20100101' });
  });

  it('finds the live rows where every given item equals its value exactly, ordered by the key', async () => {
    // inserted out of key order: b/1 before a/2 before a/1; a deleted a/0; A/1 and 'a '/1, which a
    // case- and pad-blind collation (MariaDB's default) would find for a/1
    await ctx.db('lib_scratch').insert([row('b', '1'), row('a', '2'), row('a', '1', { txt: 'y' }), row('a', '0', {}, true), row('A', '1', { txt: 'z' }), row('a ', '1', { txt: 'z' })]);
    const keys = (rows: Record<string, unknown>[]) => rows.map((r) => `${r.K1}/${r.K2}`);
    expect(keys(await find({ K1: 'a' }))).toEqual(['a/1', 'a/2']);
    // the key's first item orders before its second (b/1 after a/2)
    expect(keys(await find({ TXT: 'x' }))).toEqual(['a/2', 'b/1']);
    expect(keys(await find({ K1: 'a', TXT: 'y' }))).toEqual(['a/1']);
    expect(keys(await find({ K1: 'a', K2: '0' }))).toEqual([]);
    expect(keys(await find({ K1: 'c' }))).toEqual([]);
  });

  it(`answers at most ${MAX_ROWS} rows, the first by the key`, async () => {
    const n = MAX_ROWS + 1;
    const k2 = (i: number) => String(i).padStart(3, '0');
    await ctx.db('lib_scratch').insert(Array.from({ length: n }, (_, i) => row('m', k2(n - 1 - i))));
    const rows = await find({ K1: 'm' });
    expect(rows.map((r) => r.K2)).toEqual(Array.from({ length: MAX_ROWS }, (_, i) => k2(i)));
  });

  it('refuses to query an item the library does not have, or one a revision removed (never answered, so its equality could not be confirmed)', async () => {
    await ctx.db('lib_scratch').insert(row('a', '1'));
    for (const match of [{ NOPE: 'a' }, { HID: 'hidden' }, { K1: 'a', HID: 'hidden' }] as Array<Record<string, string>>) await expect(find(match)).rejects.toThrow('query item is not an answered column of the library');
  });

  it('gives numeric items (Y, N, I, F) as numbers when the driver gives them as text; anything not a plain decimal stays text', async () => {
    const nums = (ny: string, nn: string, ni: string, nf: string, txt = 'x', dat: string | null = null) => ({ ny, nn, ni, nf, txt, dat });
    await ctx.db('lib_scratch').insert([
      row('n', '1', nums('12', '12', '12', '12', '12', '12')),
      row('n', '2', nums('-3.25', '0', '007', '-0.5')),
      row('n', '3', nums('x12', '12x', '1x5', '1.')),
      row('n', '4', nums('.5', '+1', '1e5', ' 12')),
      row('n', '5', nums('--1', '1.2.3', '', '-')),
      row('n', '6', nums('1.5.', '-.5', '1-', '12 ')),
    ]);
    const got = (await find({ K1: 'n' })).map(({ NY, NN, NI, NF, TXT, DAT }) => [NY, NN, NI, NF, TXT, DAT]);
    expect(got).toEqual([
      [12, 12, 12, 12, '12', '12'],
      [-3.25, 0, 7, -0.5, 'x', null],
      ['x12', '12x', '1x5', '1.', 'x', null],
      ['.5', '+1', '1e5', ' 12', 'x', null],
      ['--1', '1.2.3', '', '-', 'x', null],
      ['1.5.', '-.5', '1-', '12 ', 'x', null],
    ]);
  });

  describe('names that are not plain identifiers never reach SQL', () => {
    const LONG_TABLE = 'l' + 'ib_9'.repeat(15) + 'xyz';
    const LONG_COLUMN = 'c' + '0_z'.repeat(21);

    it('takes lower-case names of 1 to 64 letters, digits and underscores, starting with a letter', async () => {
      expect([LONG_TABLE.length, LONG_COLUMN.length]).toEqual([64, 64]);
      await ctx.db.schema.createTable(LONG_TABLE, (t) => {
        t.string('k', 8);
        t.string(LONG_COLUMN, 8);
        t.boolean('deleted').notNullable();
      });
      try {
        await ctx.db(LONG_TABLE).insert([{ k: '2', [LONG_COLUMN]: 'v', deleted: false }, { k: '1', [LONG_COLUMN]: 'v', deleted: false }]);
        const lib: ResourceLibrary = { ...LIB, table: LONG_TABLE, key: ['K'], columns: [col('K', 'C'), { ...col('V', 'C'), column: LONG_COLUMN }] };
        expect(await findByItems(ctx.db, lib, new Map([['V', 'v']]))).toEqual([
          { K: '1', V: 'v' },
          { K: '2', V: 'v' },
        ]);
      } finally {
        await ctx.db.schema.dropTable(LONG_TABLE);
      }
    });

    it.each(['', 'Lib_scratch', '9lib', '_lib', 'lib-x', 'lib x', 'lib;x', 'lib.x', 'lib`x', 'libé', ' lib', 'lib ', 'lib\n', 'l' + 'x'.repeat(64)])('refuses the table name %j', async (name) => {
      await expect(find({ K1: 'a' }, { ...LIB, table: name })).rejects.toThrow(NOT_PLAIN);
    });

    it('refuses such a column name in the match, the answer and the key', async () => {
      const bad = { ...col('BAD', 'C'), column: 'k1 or 1=1' };
      await expect(find({ BAD: 'a' }, { ...LIB, columns: [...LIB.columns, bad] })).rejects.toThrow(NOT_PLAIN);
      await expect(find({ K1: 'a' }, { ...LIB, columns: [...LIB.columns, bad] })).rejects.toThrow(NOT_PLAIN);
      await expect(find({ K1: 'a' }, { ...LIB, key: ['K1', 'K-2'] })).rejects.toThrow(NOT_PLAIN);
    });
  });
});
