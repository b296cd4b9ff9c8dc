/**
 * WAL checkpoints off the event loop: while serving, the requests' connection never copies the
 * WAL into the database file itself; the worker does, within a few of its periods; when
 * serving stops the connection checkpoints by itself again and the worker is gone.
 */
import fs from 'node:fs';
import { checkpointOffLoop } from '../../core/sqlite-checkpoints';
import { sqliteHandle } from '../../core/dialect';
import { openKnex } from '../../core/db';
import { freshDatabase, STORAGE_TARGETS, TestDatabase } from '../support/databases';
import { createLogger } from '../../core/logger';

const log = createLogger('silent');

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

describe('sqlite checkpoints off the event loop', () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await freshDatabase('sqlite', { migrate: false });
  });
  afterEach(() => t.drop());

  it('the worker copies the WAL into the file; the connection does not', async () => {
    const conn = await sqliteHandle(t.db);
    const checkpoints = await checkpointOffLoop(t.db, log, 50);
    try {
      expect(conn.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      await t.db.raw('create table filler (id integer primary key, pad text)');
      const fileBefore = fs.statSync(t.url).size;
      // about 2,000 pages into the WAL, more than the connection's own threshold would allow
      const insert = conn.prepare('insert into filler (pad) values (?)');
      conn.transaction(() => {
        for (let i = 0; i < 2000; i++) insert.run('x'.repeat(3500));
      }).immediate();
      expect(fs.statSync(`${t.url}-wal`).size).toBeGreaterThan(2000 * 3500);
      // only a checkpoint grows the database file
      expect(await until(() => fs.statSync(t.url).size > fileBefore + 2000 * 3500, 5000)).toBe(true);
    } finally {
      await checkpoints.stop();
    }
    expect(conn.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('stopping ends the worker and its connection: the last one to close removes the WAL', async () => {
    const checkpoints = await checkpointOffLoop(t.db, log, 50);
    await t.db.raw('create table filler (id integer primary key)');
    await checkpoints.stop();
    await t.db.destroy();
    expect(fs.existsSync(`${t.url}-wal`)).toBe(false);
    t.db = openKnex({ client: 'sqlite', sqliteFile: t.url }); // for drop()
  });

  it.each(STORAGE_TARGETS)('%s: nothing to do without a WAL file (MySQL, or SQLite in memory)', async (target) => {
    const other = target === 'sqlite' ? { db: openKnex({ client: 'sqlite' }), drop: () => other.db.destroy() } : await freshDatabase(target, { migrate: false });
    try {
      const checkpoints = await checkpointOffLoop(other.db, log);
      if (target === 'sqlite') expect((await sqliteHandle(other.db)).pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
      await expect(checkpoints.stop()).resolves.toBeUndefined();
    } finally {
      await other.drop();
    }
  });
});
