/**
 * insertNewRows, a full sync's insert of new rows (core/dialect.ts): LOAD DATA LOCAL INFILE on
 * MySQL, a multi-row insert on SQLite. Whatever the values, the table holds exactly what an
 * ordinary knex insert stores; a row MySQL would only warn about (LOCAL turns errors into
 * warnings) leaves nothing of the batch behind and the transaction usable; and the connection
 * hands the server no file it asks for by name.
 */
import knexFactory, { Knex } from 'knex';
import { insertNewRows, knexConfig } from '../../core/dialect';
import { holdPayload, loadDataField, loadDataPayload, releasePayload } from '../../core/local-infile';
import { openKnex } from '../../core/db';
import { freshDatabase, STORAGE_TARGETS, Target, TestDatabase } from '../support/databases';

const COLUMNS = ['id', 'name', 'note', 'n', 'flag'] as const;
type Row = Record<(typeof COLUMNS)[number], unknown>;

/** every character LOAD DATA gives a meaning to, alone and together, and the values around them */
const AWKWARD = ['\t', '\n', '\r', '\\', '\\N', 'NULL', '\\t', 'a\tb\nc\\d', '', ' 前后空格 ', '𠀀 emoji 😀', '"引号\'', '\u0000零', ',;|'];

function rowsOf(first: number): Row[] {
  return AWKWARD.map((s, i) => ({ id: first + i, name: s, note: i % 3 === 0 ? null : `备注${s}`, n: i % 4 === 0 ? null : i * 1000003, flag: i % 2 === 0 }));
}

const flat = (rows: Row[]) => rows.flatMap((r) => COLUMNS.map((c) => r[c]));

async function stored(db: Knex, table: string): Promise<Row[]> {
  const rows = await db(table).orderBy('id').select(...COLUMNS);
  // the id is each table's own; compare the rest
  return rows.map((r: Row) => ({ ...r, id: Number(r.id) % 1000, n: r.n === null ? null : Number(r.n), flag: Number(r.flag) }));
}

/** A fresh database with the two twin tables, emptied before each test. */
function withProbeTables(target: Target): () => TestDatabase {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(target, { migrate: false });
    for (const name of ['inr_probe', 'inr_reference']) {
      await t.db.schema.createTable(name, (tb) => {
        tb.integer('id').primary();
        tb.string('name', 40).notNullable().unique();
        tb.string('note', 40).nullable();
        tb.bigInteger('n').nullable();
        tb.boolean('flag').notNullable();
      });
    }
  });
  afterAll(() => t.drop());
  beforeEach(async () => {
    await t.db('inr_probe').del();
    await t.db('inr_reference').del();
  });
  return () => t;
}

describe.each(STORAGE_TARGETS)('insertNewRows on %s', (target) => {
  const probe = withProbeTables(target);
  let t: TestDatabase;
  beforeEach(() => {
    t = probe();
  });

  it('stores every value exactly as an ordinary insert does', async () => {
    const rows = rowsOf(1);
    expect(await t.db.transaction((trx) => insertNewRows(trx, 'inr_probe', COLUMNS, flat(rows)))).toBe(true);
    await t.db('inr_reference').insert(rows);
    const probe = await stored(t.db, 'inr_probe');
    expect(probe).toEqual(await stored(t.db, 'inr_reference'));
    expect(probe.map((r) => r.name)).toEqual(AWKWARD);
  });

  it('keeps nothing of a batch with a clash or a value that does not fit, and the transaction goes on', async () => {
    await t.db('inr_probe').insert(rowsOf(1)[0]);
    const cases: Array<[string, Row[]]> = [
      ['a value a stored row holds', rowsOf(101)],
      ['a key twice', [...rowsOf(201).slice(1, 3), { ...rowsOf(201)[3], id: 202 }]],
      ['no name', [...rowsOf(401).slice(1, 3), { ...rowsOf(401)[3], name: null }]],
    ];
    // SQLite keeps text of any length
    if (target === 'mysql') cases.push(['a name longer than its column', [...rowsOf(301).slice(1, 3), { ...rowsOf(301)[3], name: '长'.repeat(41) }]]);
    for (const [, rows] of cases) {
      await t.db.transaction(async (trx) => {
        // MySQL answers false (undone), SQLite raises the error an insert raises
        const outcome = await insertNewRows(trx, 'inr_probe', COLUMNS, flat(rows)).catch(() => 'raised');
        expect(outcome).toBe(target === 'mysql' ? false : 'raised');
        await trx('inr_probe').insert({ id: 999, name: '之后', flag: true });
      });
      expect(await t.db('inr_probe').orderBy('id').pluck('id')).toEqual([1, 999]);
      await t.db('inr_probe').where({ id: 999 }).del();
    }
  });
});

// LOAD DATA LOCAL is MySQL's: what its connections offer and serve
if (STORAGE_TARGETS.includes('mysql')) {
  describe('LOAD DATA LOCAL on mysql', () => {
    const probe = withProbeTables('mysql');
    let t: TestDatabase;
    beforeEach(() => {
      t = probe();
    });

    it('inserts the rows all the same where the server refuses LOAD DATA LOCAL', async () => {
      // a connection that does not offer local files meets the refusal a server with local_infile=0 gives
      const config = knexConfig({ client: 'mysql', url: t.url, poolMax: 1 });
      const refusing = knexFactory({ ...config, connection: { ...(config.connection as Knex.MySql2ConnectionConfig), flags: '-LOCAL_FILES' } });
      try {
        const rows = rowsOf(1);
        for (const part of [rows.slice(0, 5), rows.slice(5)]) expect(await refusing.transaction((trx) => insertNewRows(trx, 'inr_probe', COLUMNS, flat(part)))).toBe(true);
        await t.db('inr_reference').insert(rows);
        expect(await stored(t.db, 'inr_probe')).toEqual(await stored(t.db, 'inr_reference'));
      } finally {
        await refusing.destroy();
      }
    });

    it('hands the server no file it names, and loads nothing then', async () => {
      await expect(t.db.raw("load data local infile '/etc/hostname' into table `inr_probe` (`name`)")).rejects.toThrow();
      expect(await t.db('inr_probe').count({ n: '*' })).toEqual([{ n: 0 }]);
    });

    it('never serves a held payload on a source connection (a department server is not offered local files)', async () => {
      const source = openKnex({ client: 'mysql', url: t.url, poolMax: 1, source: true });
      const name = holdPayload(Buffer.from('77\t别人的数据\t\\N\t\\N\t1\n'));
      try {
        await expect(source.raw(`load data local infile '${name}' into table \`inr_probe\` (${COLUMNS.map((c) => `\`${c}\``).join(',')})`)).rejects.toThrow();
        // the same payload on the store's own connection: proof that it was there to take
        await t.db.raw(`load data local infile '${name}' into table \`inr_probe\` (${COLUMNS.map((c) => `\`${c}\``).join(',')})`);
        expect(await t.db('inr_probe').pluck('name')).toEqual(['别人的数据']);
      } finally {
        releasePayload(name);
        await source.destroy();
      }
    });
  });
}

describe('loadDataField', () => {
  it('writes NULL, booleans and the three special characters as LOAD DATA reads them', () => {
    expect([null, undefined, true, false, 12, 'a\\b', 'a\tb', 'a\nb', '\\N', 'plain'].map(loadDataField)).toEqual(['\\N', '\\N', '1', '0', '12', 'a\\\\b', 'a\\tb', 'a\\nb', '\\\\N', 'plain']);
  });
});

describe('loadDataPayload', () => {
  it('writes each row as its fields joined by tabs, ending in a newline, in UTF-8', () => {
    const payload = loadDataPayload(['1', '周村区', null, '2', 'a\tb', true], 3);
    expect(payload.toString('utf8')).toBe('1\t周村区\t\\N\n2\ta\\tb\t1\n');
  });

  it('holds rows larger than its first buffer, every byte in place', () => {
    // 3,000 rows of ~700 UTF-8 bytes: several times the buffer it starts with
    const values: string[] = [];
    for (let i = 0; i < 3000; i++) values.push(String(i), '丝绸路'.repeat(75) + i, 'x'.repeat(i % 300));
    const expected = Array.from({ length: 3000 }, (_, i) => `${values[3 * i]}\t${values[3 * i + 1]}\t${values[3 * i + 2]}\n`).join('');
    const payload = loadDataPayload(values, 3);
    expect(payload.length).toBe(Buffer.byteLength(expected));
    expect(payload.toString('utf8')).toBe(expected);
  });
});
