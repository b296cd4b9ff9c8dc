/**
 * `dprs sync …` when the gateway database refuses it: one Chinese sentence naming the kind of
 * failure, exit code 1, no stack trace, no credentials or SQL.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../support/databases';

const CLI = path.resolve(__dirname, '../../dist/scripts/cli.js');

function sync(db: Record<string, string>, ...args: string[]) {
  const env = { ...process.env, DATA_DIR: tempDir(), JWT_SECRET: 'j'.repeat(40), AUDIT_KEY: 'a'.repeat(40), LOG_LEVEL: 'silent', ...db };
  return spawnSync(process.execPath, [CLI, 'sync', ...args], { env, encoding: 'utf8', timeout: 60000 });
}

function expectOperatorMessage(r: ReturnType<typeof sync>, kind: RegExp): void {
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(kind);
  expect(r.stderr).toMatch(/^[\u4e00-\u9fa5]/);
  expect(r.stderr).not.toMatch(/\n\s+at |select |insert |dprs_ci:/i);
}

describe('dprs sync against a database that refuses it', () => {
  it('SQLite: a file that is not a database', () => {
    const file = path.join(tempDir(), 'gateway.db');
    fs.writeFileSync(file, 'not a database '.repeat(400));
    expectOperatorMessage(sync({ DB_CLIENT: 'sqlite', DATABASE_URL: `sqlite:${file}` }, 'status'), /数据库访问失败：文件不是有效的数据库/);
  });

  const url = process.env.MYSQL_URL;
  (url ? it : it.skip)('MariaDB: access denied to the database (ER_DBACCESS_DENIED_ERROR) and a wrong password', () => {
    const u = new URL(url!);
    u.pathname = '/mysql';
    expectOperatorMessage(sync({ DB_CLIENT: 'mysql', DATABASE_URL: u.toString() }, 'status'), /数据库访问失败：数据库用户无权访问该库/);
    const p = new URL(url!);
    p.password = 'wrong-password';
    expectOperatorMessage(sync({ DB_CLIENT: 'mysql', DATABASE_URL: p.toString() }, 'job', 'list'), /数据库访问失败：数据库拒绝登录/);
  });
});

describe('a dprs process that does not serve', () => {
  it('does not load the web stack (a sync run keeps its memory for rows)', () => {
    // the command line with every command registered, as `dprs sync run` starts it
    const probe = `process.argv = [process.argv[0], ${JSON.stringify(CLI)}, '--help']; process.exit = () => {};
      require(${JSON.stringify(CLI)});
      const web = Object.keys(require.cache).filter((f) => /node_modules[\\\\/](express|helmet|soap)[\\\\/]/.test(f));
      process.stderr.write('web modules: ' + web.length + '\\n');`;
    const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', timeout: 60000 });
    expect(r.stderr).toContain('web modules: 0');
  });
});
