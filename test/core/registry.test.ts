/**
 * The registry pinned the way Ghost pins its schema: the migrated tables must be exactly what
 * the registry describes (on SQLite and MariaDB), and the libraries' storage shape is hashed,
 * so a change to a library without a migration for existing databases fails here. The other
 * copies of its facts (the 附件3 template, the lookups, the documents) are held to it too.
 */
import { SYNC_BOOKKEEPING_COLUMNS } from '../../gateway/migrations/columns';
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { columnOf, LIBRARIES, Library, LOOKUPS, LICENCE_VERDICTS, PERSON_VERDICTS, VERDICTS } from '../../core/registry';
import { LOOKUP_METHODS } from '../../gateway/lookups/methods';
import { parseInterfaceTemplate } from '../../catalog/template';
import { freshDatabase, STORAGE_TARGETS, TestDatabase } from '../support/databases';
import { catalogHarness, CatalogHarness } from '../support/catalog';

/**
 * sha256 of the libraries' storage shape. When it changes: write a migration that brings an
 * existing database to the new shape (migrations 001–003 build fresh ones from the registry),
 * then put the new hash here.
 */
const SHAPE_HASH = '117d00e7c02fc3d158f0b392f6caeec943d71b86161b8f7baae3b770ecd67e3b';

/** Columns every library row carries besides its items (gateway/migrations/columns.ts). */
const BOOKKEEPING = ['source_job', 'src_updated_at', 'synced_at', 'row_hash', 'deleted', 'deleted_at', 'seen_run'];

function storageShape(lib: Library) {
  return {
    name: lib.name,
    key: lib.key,
    unique: lib.unique,
    indexes: lib.indexes,
    items: lib.items.map((i) => [columnOf(i), i.data_type, i.length ?? null, i.required]),
  };
}

interface Column {
  name: string;
  /** varchar(n) / bigint / text, normalised across the two databases */
  type: string;
  notNull: boolean;
}

interface Shape {
  columns: Column[];
  primary: string[];
  unique: string[][];
  indexes: string[][];
}

async function sqliteShape(db: Knex, table: string): Promise<Shape> {
  const cols = (await db.raw(`pragma table_info(\`${table}\`)`)) as Array<{ name: string; type: string; notnull: number; pk: number }>;
  const indexes = (await db.raw(`pragma index_list(\`${table}\`)`)) as Array<{ name: string; unique: number; origin: string }>;
  const shape: Shape = {
    columns: cols.map((c) => ({ name: c.name, type: c.type.toLowerCase().replace('integer', 'bigint'), notNull: c.notnull === 1 || c.pk > 0 })),
    primary: cols.filter((c) => c.pk > 0).map((c) => c.name),
    unique: [],
    indexes: [],
  };
  for (const ix of indexes) {
    if (ix.origin === 'pk') continue;
    const members = ((await db.raw(`pragma index_info(\`${ix.name}\`)`)) as Array<{ name: string }>).map((m) => m.name);
    (ix.unique ? shape.unique : shape.indexes).push(members);
  }
  return shape;
}

async function mysqlShape(db: Knex, table: string): Promise<Shape> {
  const [cols] = (await db.raw(
    'select column_name as name, data_type as type, character_maximum_length as len, is_nullable as nullable, column_key as k from information_schema.columns where table_schema = database() and table_name = ? order by ordinal_position',
    [table],
  )) as [Array<{ name: string; type: string; len: number | null; nullable: string; k: string }>];
  const [stats] = (await db.raw(
    'select index_name as ix, non_unique as nu, column_name as col from information_schema.statistics where table_schema = database() and table_name = ? order by index_name, seq_in_index',
    [table],
  )) as [Array<{ ix: string; nu: number; col: string }>];
  const byIndex = new Map<string, { unique: boolean; cols: string[] }>();
  for (const s of stats) {
    const e = byIndex.get(s.ix) ?? { unique: Number(s.nu) === 0, cols: [] };
    e.cols.push(s.col);
    byIndex.set(s.ix, e);
  }
  return {
    columns: cols.map((c) => ({
      name: c.name,
      type: c.type === 'varchar' ? `varchar(${c.len})` : c.type === 'tinyint' ? 'boolean' : c.type,
      notNull: c.nullable === 'NO',
    })),
    primary: byIndex.get('PRIMARY')?.cols ?? [],
    unique: [...byIndex].filter(([n, e]) => n !== 'PRIMARY' && e.unique).map(([, e]) => e.cols),
    indexes: [...byIndex].filter(([, e]) => !e.unique).map(([, e]) => e.cols),
  };
}

/** What the registry says the table is (bookkeeping columns are checked by name only). */
function expectedItems(lib: Library): Column[] {
  return lib.items.map((i) => ({
    name: columnOf(i),
    type: i.data_type === 'Y' ? 'bigint' : i.data_type === 'M' ? 'text' : `varchar(${i.length})`,
    notNull: i.required || columnOf(i) === lib.key,
  }));
}

const sorted = (xs: string[][]) => xs.map((x) => x.join(',')).sort();

describe('the registry of the domain', () => {
  test('its libraries have the storage shape pinned here (change it only with a migration)', () => {
    const hash = crypto.createHash('sha256').update(JSON.stringify(Object.values(LIBRARIES).map(storageShape))).digest('hex');
    expect(hash).toBe(SHAPE_HASH);
  });

  test('a library names its key and unique columns among its items; sensitive items say how they are masked', () => {
    for (const lib of Object.values(LIBRARIES)) {
      const cols = lib.items.map(columnOf);
      expect(cols).toContain(lib.key);
      for (const u of [...lib.unique, ...lib.indexes.flat()]) expect(cols).toContain(u);
      for (const i of lib.items) expect(Boolean(i.mask)).toBe(i.sensitive);
      expect(lib.items.find((i) => columnOf(i) === lib.key)!.required).toBe(true);
    }
  });

  test('the population library is the getRKZP template of 附件3: fields, names, database types; parameters too', () => {
    const tpl = parseInterfaceTemplate();
    expect(LIBRARIES.population.items.map(({ field, name, db_type }) => ({ field, name, db_type }))).toEqual(
      tpl.fields.map(({ field, name, db_type }) => ({ field, name, db_type })),
    );
    expect(LOOKUPS.getRKZP.params).toEqual(tpl.params.map((p) => p.name));
  });

  test('the lookups are the registry\'s methods, answering its fields', () => {
    expect([...LOOKUP_METHODS.keys()].sort()).toEqual(Object.keys(LOOKUPS).sort());
    for (const m of LOOKUP_METHODS.values()) {
      const spec = LOOKUPS[m.name];
      expect({ title: m.title, interfaces: m.interfaces }).toEqual({ title: spec.title, interfaces: spec.interfaces });
      expect(m.fields).toEqual(spec.verdicts ? ['HYJG', 'HYJGDM'] : LIBRARIES[spec.library].items.map((i) => i.field));
    }
  });

  test('verdict codes run 1..n within each set, as the README and the lookups answer them', () => {
    for (const set of Object.values(VERDICTS)) {
      expect(set.all.map((v) => v.HYJGDM)).toEqual(set.all.map((_, i) => String(i + 1)));
      expect(set.all).toContain(set.positive);
      expect(set.all).toContain(set.absent);
    }
    expect(VERDICTS.person.absent).toBe(PERSON_VERDICTS.NO_SUCH_PERSON);
    expect(VERDICTS.licence.absent).toBe(LICENCE_VERDICTS.NO_SUCH_LICENCE);
  });
});

describe.each(STORAGE_TARGETS)('migrated base libraries on %s', (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(target);
  });
  afterAll(() => t.drop());

  test.each(Object.keys(LIBRARIES))('%s is exactly what the registry describes', async (name) => {
    const lib = LIBRARIES[name as keyof typeof LIBRARIES];
    const shape = target === 'mysql' ? await mysqlShape(t.db, lib.name) : await sqliteShape(t.db, lib.name);
    // a unique item is unique among live rows: one unique index on the item and its `<item>_live`
    // shadow (NULL once deleted, migrations 501–504, 509), which also serves lookups by the item
    const live = lib.unique.map((u) => `${u}_live`);
    const items = shape.columns.filter((c) => !BOOKKEEPING.includes(c.name) && !live.includes(c.name));
    expect(items).toEqual(expectedItems(lib));
    expect(shape.columns.map((c) => c.name).filter((n) => BOOKKEEPING.includes(n))).toEqual(BOOKKEEPING);
    // the names a registration may not give an item are the ones the tables really carry
    expect(SYNC_BOOKKEEPING_COLUMNS).toEqual(BOOKKEEPING);
    expect(shape.primary).toEqual([lib.key]);
    expect(sorted(shape.unique)).toEqual(sorted(lib.unique.map((u) => [u, `${u}_live`])));
    expect(sorted(shape.indexes)).toEqual(sorted(lib.indexes));
  });
});

describe.each(STORAGE_TARGETS)('interface documents on %s', (target) => {
  let h: CatalogHarness;
  beforeAll(async () => {
    h = await catalogHarness(target);
  });
  afterAll(() => h.close());

  test('a verification\'s example answer is one of its registry verdicts (examples are synthetic: the positive one, whatever the library holds)', async () => {
    for (const method of Object.values(LOOKUPS).filter((s) => s.verdicts)) {
      const doc = (await h.call('GET', `/dprs/catalog/interfaces/${method.name}/document?format=json`)).body.data[0];
      expect(doc.example_response.data).toEqual([{ ...VERDICTS[method.verdicts!].positive }]);
    }
  });
});
