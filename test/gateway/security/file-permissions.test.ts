/**
 * Files (issue 10): on a fresh DATA_DIR, everything the gateway writes — the directory itself,
 * gateway.db and its WAL, secrets.json, the demo's front-end database and consumer secret —
 * is private to its account (directories 0700, files 0600), whatever the umask allows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../../core/config';
import { migrate } from '../../../scripts/app/migrations';
import { createContext, destroyContext } from '../../../scripts/app/context';
import { ensureDemo } from '../../../scripts/demo';
import { freshDatabase, STORAGE_TARGETS, tempDir } from '../../support/databases';

function modes(dir: string): Array<[string, string]> {
  const out: Array<[string, string]> = [[path.basename(dir) + '/', (fs.statSync(dir).mode & 0o777).toString(8)]];
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) out.push(...modes(p).map(([n, m]): [string, string] => [`${name}/${n}`, m]));
    else out.push([name, (fs.statSync(p).mode & 0o777).toString(8)]);
  }
  return out;
}

describe.each(STORAGE_TARGETS)('DATA_DIR permissions on %s', (target) => {
  it('a fresh DATA_DIR is 0700 and every file in it 0600', async () => {
    const dataDir = path.join(tempDir('dprs-perm-'), 'data');
    const umask = process.umask(0o022); // the usual default, which would leave 0755 / 0644
    const database = target === 'mysql' ? await freshDatabase('mysql') : null;
    try {
      const config = loadConfig({
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
        ...(database ? { DB_CLIENT: 'mysql', DATABASE_URL: database.url } : {}),
      });
      const ctx = createContext(config);
      try {
        await migrate(ctx.db);
        await ensureDemo(ctx, { people: 30, entities: 10, licences: 10, seed: 1 });
        await ctx.db('audit_log').count({ n: '*' }); // the database is open and written
        const seen = modes(dataDir);
        const names = seen.map(([n]) => n);
        expect(names).toEqual(expect.arrayContaining(['data/', 'secrets.json', 'frontend-demo.db', 'demo-consumer.json']));
        if (target === 'sqlite') expect(names).toEqual(expect.arrayContaining(['gateway.db', 'gateway.db-wal']));
        for (const [name, mode] of seen) expect([name, mode]).toEqual([name, name.endsWith('/') ? '700' : '600']);
      } finally {
        await destroyContext(ctx);
      }
    } finally {
      process.umask(umask);
      await database?.drop();
      fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
    }
  });
});
