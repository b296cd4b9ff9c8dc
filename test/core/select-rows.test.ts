/**
 * selectRows, the hot path's hand-written selects run without knex (core/dialect.ts), on each
 * storage target: the same rows and types as through knex, bound values as knex binds them,
 * and never a read inside someone else's open transaction — SQLite has one connection, and a
 * read slipped into a transaction in progress would see what that transaction may yet roll back.
 * Also syncTransaction (SQLite) and directTransaction (MySQL), and the SQLite connection's
 * settings as the README states them.
 */
import { directTransaction, insertRowSql, selectRows, sqliteHandle, syncTransaction } from '../../core/dialect';
import { freshDatabase, STORAGE_TARGETS, TestDatabase } from '../support/databases';

describe.each(STORAGE_TARGETS)('selectRows on %s', (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(target, { migrate: false });
    await t.db.schema.createTable('sr_probe', (tb) => {
      tb.integer('id').primary();
      tb.string('name', 20).notNullable();
      tb.bigInteger('at').nullable();
      tb.boolean('flag').notNullable();
    });
    await t.db('sr_probe').insert([
      { id: 1, name: '甲', at: 1764460800000, flag: false },
      { id: 2, name: '乙', at: null, flag: true },
    ]);
  });
  afterAll(() => t.drop());

  it('answers the rows knex answers, with numbers and nulls intact', async () => {
    const rows = await selectRows<{ id: number; name: string; at: number | null; flag: number }>(t.db, 'select `id`, `name`, `at`, `flag` from `sr_probe` where `id` >= ? order by `id`', [1]);
    expect(rows.map((r) => ({ ...r, at: r.at === null ? null : Number(r.at), flag: Number(r.flag) }))).toEqual([
      { id: 1, name: '甲', at: 1764460800000, flag: 0 },
      { id: 2, name: '乙', at: null, flag: 1 },
    ]);
    // a boolean binds as 0/1, as knex binds it
    expect((await selectRows<{ id: number }>(t.db, 'select `id` from `sr_probe` where `flag` = ?', [true])).map((r) => r.id)).toEqual([2]);
    expect(await selectRows(t.db, 'select `id` from `sr_probe` where `name` = ?', ['丙'])).toEqual([]);
  });

  it('does not read inside another caller’s open transaction', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let changed!: () => void;
    const updated = new Promise<void>((r) => (changed = r));
    const trx = t.db.transaction(async (tx) => {
      await tx('sr_probe').where({ id: 1 }).update({ name: '未提交' });
      changed();
      await held;
      throw new Error('rolled back');
    });
    await updated;
    const read = selectRows<{ name: string }>(t.db, 'select `name` from `sr_probe` where `id` = ?', [1]);
    // SQLite: the read waits for the connection; MariaDB: it reads the committed row at once
    release();
    await expect(trx).rejects.toThrow('rolled back');
    expect((await read).map((r) => r.name)).toEqual(['甲']);
  });

  it('reads inside its own transaction what the transaction wrote', async () => {
    await t.db.transaction(async (tx) => {
      await tx('sr_probe').where({ id: 2 }).update({ name: '本事务' });
      expect((await selectRows<{ name: string }>(tx, 'select `name` from `sr_probe` where `id` = ?', [2])).map((r) => r.name)).toEqual(['本事务']);
      throw new Error('undo');
    }).catch(() => undefined);
    expect((await selectRows<{ name: string }>(t.db, 'select `name` from `sr_probe` where `id` = ?', [2])).map((r) => r.name)).toEqual(['乙']);
  });
});

describe.each(STORAGE_TARGETS)('syncTransaction on %s', (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(target, { migrate: false });
    await t.db.schema.createTable('st_probe', (tb) => {
      tb.integer('id').primary();
      tb.string('name', 20).notNullable();
    });
  });
  afterAll(() => t.drop());

  it('runs on SQLite as one transaction, committed or rolled back whole; elsewhere it declines', async () => {
    const done = await syncTransaction(t.db, (sql) => {
      sql.run(insertRowSql('st_probe', ['id', 'name']), [1, '甲']);
      return sql.get<{ name: string }>('select `name` from `st_probe` where `id` = ?', [1])?.name;
    });
    if (target === 'mysql') {
      expect(done).toBeUndefined();
      return;
    }
    expect(done).toEqual({ value: '甲' });
    await expect(
      syncTransaction(t.db, (sql) => {
        sql.run(insertRowSql('st_probe', ['id', 'name']), [2, '乙']);
        sql.run(insertRowSql('st_probe', ['id', 'name']), [1, '重复']);
      }),
      // the driver's error class may come from another test file's realm: match by code
    ).rejects.toMatchObject({ code: expect.stringMatching(/^SQLITE_CONSTRAINT/) });
    expect(await t.db('st_probe').orderBy('id').pluck('name')).toEqual(['甲']);
  });

  it('declines inside a transaction; while one is open on the connection, runs once it has ended', async () => {
    let ran = false;
    let waiting: Promise<{ value: number } | undefined> | undefined;
    await t.db.transaction(async (tx) => {
      expect(await syncTransaction(tx, () => 1)).toBeUndefined();
      await tx('st_probe').insert({ id: 10, name: '事务中' });
      waiting = syncTransaction(t.db, (sql) => {
        ran = true;
        return sql.get<{ n: number }>('select count(*) as `n` from `st_probe` where `id` = ?', [10])?.n ?? -1;
      });
      await new Promise((r) => setTimeout(r, 30));
      // SQLite's one connection is the open transaction's until it ends
      if (target === 'sqlite') expect(ran).toBe(false);
    });
    expect(await waiting).toEqual(target === 'mysql' ? undefined : { value: 1 });
  });
});

describe.each(STORAGE_TARGETS)('directTransaction on %s', (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(target, { migrate: false });
    await t.db.schema.createTable('dt_probe', (tb) => {
      tb.integer('id').primary();
      tb.string('name', 20).notNullable();
      tb.binary('hash', 4).nullable();
    });
  });
  afterAll(() => t.drop());

  const insert = insertRowSql('dt_probe', ['id', 'name', 'hash'], 2);

  it('commits its statements as one transaction, and rolls all of them back when one fails', async () => {
    if (target === 'sqlite') {
      await expect(directTransaction(t.db, async () => 1)).rejects.toThrow(/MySQL/);
      return;
    }
    const value = await directTransaction(t.db, async (sql) => {
      await sql.run(insert, [1, '甲', Buffer.from('a1b2', 'hex'), 2, "乙'; --", null]);
      return (await sql.rows<{ name: string }>('select `name` from `dt_probe` where `id` = ? for update', [2]))[0].name;
    });
    expect(value).toBe("乙'; --");
    // more failures than the pool has connections: each one's connection goes back to the pool
    for (let i = 0; i < 12; i++) {
      await expect(
        directTransaction(t.db, async (sql) => {
          await sql.run(insert, [3, '丙', null, 4, '丁', null]);
          await sql.run(insertRowSql('dt_probe', ['id', 'name']), [1, '重复']);
        }),
      ).rejects.toMatchObject({ code: 'ER_DUP_ENTRY' });
    }
    const rows = await t.db('dt_probe').orderBy('id');
    expect(rows.map((r) => [r.id, r.name, r.hash === null ? null : Buffer.from(r.hash).toString('hex')])).toEqual([
      [1, '甲', 'a1b2'],
      [2, "乙'; --", null],
    ]);
    await expect(t.db.transaction((tx) => directTransaction(tx, async () => 1))).rejects.toThrow(/outside a transaction/);
  });
});

describe('the SQLite connection', () => {
  it('runs as the README says: WAL, synchronous NORMAL, foreign keys on, read through a 256 MiB memory map', async () => {
    const t = await freshDatabase('sqlite', { migrate: false });
    try {
      const conn = await sqliteHandle(t.db);
      const setting = (name: string) => conn.pragma(name, { simple: true });
      // synchronous 1 is NORMAL
      expect([setting('journal_mode'), setting('synchronous'), setting('foreign_keys'), setting('mmap_size')]).toEqual(['wal', 1, 1, 256 * 1024 * 1024]);
    } finally {
      await t.drop();
    }
  });
});
