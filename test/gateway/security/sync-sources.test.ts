/**
 * Sync jobs are not a way into the host (issue 10): a job's CSV source only under the
 * exchange directory (symlinks and `..` resolved, at definition and again at run time), a
 * SQLite source never the gateway's own database, database sources only on allow-listed hosts
 * and never the gateway's own schema; refused at definition with a message naming the field.
 * Connection passwords are never part of a definition and never answered back.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { signToken } from '../../../core/jwt';
import { sourcePolicy } from '../../../adapters/sources';
import { SyncEngine } from '../../../adapters/sync/engine';
import { defineJob, JobDefinition, JobDefinitionError, saveJob } from '../../../adapters/sync/jobs';
import { createFrontendTables, FRONTEND_TABLES } from '../../../scripts/demo/frontend';
import { startServer, RunningServer } from '../../../scripts/app/server';
import { STORAGE_TARGETS, tempDir } from '../../support/databases';
import { testContext, TestContext } from '../../support/context';
import { openKnex } from '../../../core/db';

const CLI = path.resolve(__dirname, '../../../dist/scripts/cli.js');
const COLUMNS = { RYBH: 'rybh', GMSFZH: 'gmsfzh', XM: 'xm', CSRQ: 'csrq', MZ: 'mz', XB: 'xb', JG: 'jg', CSD: 'csd', HJD: 'hjd' };
const PASSWORD = 'Secr3t-front-end-pw';

const job = (id: string, source: JobDefinition['source']): JobDefinition => ({ id, source, target: 'population', key: 'RYBH', columns: COLUMNS });

describe.each(STORAGE_TARGETS)('sync source confinement on %s', (target) => {
  let ctx: TestContext;
  let server: RunningServer;
  let exchange: string;
  let outside: string;
  let operator: Record<string, string>;

  beforeAll(async () => {
    const root = tempDir('dprs-sync-sec-');
    exchange = path.join(root, 'exchange');
    outside = path.join(root, 'outside');
    fs.mkdirSync(outside);
    ctx = await testContext(target, { SYNC_FILE_DIR: exchange, SYNC_SOURCE_HOSTS: '10.1.2.3,qzj-frontend.zc.gov.cn' });
    server = await startServer(ctx, { port: 0, host: '127.0.0.1' });
    operator = { authorization: `Bearer ${signToken(ctx.config, { sub: 'ops', role: 'operator' })}`, 'content-type': 'application/json' };
  });
  afterAll(async () => {
    await server.close();
    await ctx.dispose().catch(() => undefined);
  });

  const define = (def: JobDefinition) => defineJob(ctx.db, def, sourcePolicy(ctx.config));
  const refusal = async (def: JobDefinition): Promise<string> => {
    try {
      await define(def);
    } catch (err) {
      expect(err).toBeInstanceOf(JobDefinitionError);
      return (err as Error).message;
    }
    throw new Error('accepted');
  };
  const put = async (def: JobDefinition) => {
    const r = await fetch(`http://127.0.0.1:${server.port}/dprs/admin/sync/jobs/${def.id}`, { method: 'PUT', headers: operator, body: JSON.stringify(def) });
    return { status: r.status, body: (await r.json()) as { msg: string; result_code: string; data: unknown[] } };
  };

  it('CSV files only under the exchange directory: absolute paths, `..` and symlinks out are refused', async () => {
    fs.writeFileSync(path.join(outside, 'loot.csv'), 'RYBH\n1\n');
    expect(await refusal(job('etc', { csv: '/etc/passwd' }))).toMatch(/^同步任务定义无效：字段 source\.csv 须是交换目录 .* 之下的文件$/);
    expect(await refusal(job('dotdot', { csv: '../outside/loot.csv' }))).toMatch(/字段 source\.csv/);
    expect(await refusal(job('dotdot-abs', { csv: path.join(exchange, '..', 'outside', 'loot.csv') }))).toMatch(/字段 source\.csv/);
    fs.symlinkSync(path.join(outside, 'loot.csv'), path.join(exchange, 'link.csv'));
    expect(await refusal(job('symlink', { csv: 'link.csv' }))).toMatch(/字段 source\.csv/);
    fs.symlinkSync(outside, path.join(exchange, 'linkdir'));
    expect(await refusal(job('symlink-dir', { csv: 'linkdir/loot.csv' }))).toMatch(/字段 source\.csv/);
    const api = await put(job('over-http', { csv: '/etc/passwd' }));
    expect(api.status).toBe(400);
    expect(api.body.msg).toContain('字段 source.csv');
    expect(await ctx.db('sync_jobs').whereIn('id', ['etc', 'dotdot', 'dotdot-abs', 'symlink', 'symlink-dir', 'over-http'])).toEqual([]);
    // the exchange directory was created private
    expect((fs.statSync(exchange).mode & 0o777).toString(8)).toBe('700');
  });

  it('a CSV file under the exchange directory is accepted, and a symlink put in its place later is not followed', async () => {
    const file = path.join(exchange, 'people.csv');
    fs.writeFileSync(file, 'RYBH,GMSFZH,XM,CSRQ,MZ,XB,JG,CSD,HJD\n');
    const defined = await define(job('csv-ok', { csv: 'people.csv' }));
    expect(defined.source).toEqual({ csv: fs.realpathSync(file) });
    fs.rmSync(file);
    fs.writeFileSync(path.join(outside, 'secret.csv'), 'RYBH,GMSFZH,XM,CSRQ,MZ,XB,JG,CSD,HJD\nRY1,x,x,x,x,x,x,x,x\n');
    fs.symlinkSync(path.join(outside, 'secret.csv'), file);
    const outcome = await new SyncEngine(ctx.db).run(defined, 'full');
    expect(outcome.status).toBe('failed');
    if (outcome.status !== 'skipped') {
      expect(outcome.run.error).toMatch(/符号链接/);
      expect(outcome.run.read).toBe(0);
    }
  });

  it('a SQLite source may not be the gateway database, directly or through a symlink', async () => {
    const own = ctx.config.db.sqliteFile;
    if (target === 'sqlite') {
      expect(await refusal(job('own-db', { client: 'better-sqlite3', connection: { filename: own }, table: 'consumers' }))).toBe(
        '同步任务定义无效：字段 source.connection.filename 不能是网关自身的数据库',
      );
      const link = path.join(outside, 'innocent.db');
      fs.symlinkSync(own, link);
      expect(await refusal(job('own-db-link', { client: 'better-sqlite3', connection: link, table: 'consumers' }))).toMatch(/字段 source\.connection 不能是网关自身的数据库/);
    }
    const front = path.join(outside, 'frontend.db');
    const db = openKnex({ client: 'sqlite', sqliteFile: front });
    await createFrontendTables(db);
    await db.destroy();
    await expect(define(job('front', { client: 'better-sqlite3', connection: { filename: front }, table: FRONTEND_TABLES.population }))).resolves.toMatchObject({ id: 'front' });
    expect(await refusal(job('missing', { client: 'better-sqlite3', connection: { filename: path.join(outside, 'nope.db') }, table: 'x' }))).toMatch(/字段 source\.connection\.filename 须是已存在的 SQLite 数据库文件/);
  });

  it('database sources only on allow-listed hosts, never the gateway schema, never with a password in the definition', async () => {
    const src = (connection: string, extra = {}) => job('net', { client: 'mysql2', connection, table: FRONTEND_TABLES.population, ...extra });
    expect(await refusal(src('mysql://reader@203.0.113.9:3306/qzj'))).toBe('同步任务定义无效：字段 source.connection 的主机 203.0.113.9 不在允许的前置机列表（SYNC_SOURCE_HOSTS）中');
    expect(await refusal(src('mysql://reader@127.0.0.1:3306/qzj'))).toMatch(/主机 127\.0\.0\.1 不在允许/);
    expect(await refusal(src('mysql://reader@x/qzj?socket=/run/mysqld/mysqld.sock'))).toMatch(/主机 localhost 不在允许/);
    const withPassword = await refusal(src(`mysql://reader:${PASSWORD}@10.1.2.3:3306/qzj`));
    expect(withPassword).toMatch(/^同步任务定义无效：字段 source\.connection 不能包含密码/);
    expect(withPassword).not.toContain(PASSWORD);
    const api = await put(src(`mysql://reader:${PASSWORD}@10.1.2.3:3306/qzj`));
    expect(api.status).toBe(400);
    expect(JSON.stringify(api.body)).not.toContain(PASSWORD);
    expect(await refusal(src('mysql://reader@10.1.2.3/qzj', { passwordEnv: 'AUDIT_KEY' }))).toMatch(/字段 source\.passwordEnv/);
    await expect(define(src('mysql://reader@QZJ-FRONTEND.zc.gov.cn:3306/qzj', { passwordEnv: 'SYNC_PASSWORD_QZJ' }))).resolves.toMatchObject({ id: 'net' });
    if (target === 'mysql') {
      const gw = new URL(ctx.config.db.url!);
      const policy = { ...sourcePolicy(ctx.config), sourceHosts: [gw.hostname] };
      await expect(defineJob(ctx.db, src(`mysql://${gw.username}@${gw.host}${gw.pathname}`), policy)).rejects.toThrow('同步任务定义无效：字段 source.connection 不能是网关自身的数据库');
    }
  });

  it('a password is never answered back: API, CLI job list --json', async () => {
    // a definition stored by an older version, with the password inside the URL
    await saveJob(ctx.db, job('legacy', { client: 'mysql2', connection: `mysql://reader:${PASSWORD}@10.1.2.3:3306/qzj`, table: FRONTEND_TABLES.population }));
    const one = await fetch(`http://127.0.0.1:${server.port}/dprs/admin/sync/jobs/legacy`, { headers: operator });
    const oneText = await one.text();
    expect(one.status).toBe(200);
    expect(oneText).not.toContain(PASSWORD);
    expect(JSON.parse(oneText).data[0].source.connection).toBe('mysql://reader:***@10.1.2.3:3306/qzj');
    const all = await (await fetch(`http://127.0.0.1:${server.port}/dprs/admin/sync/jobs`, { headers: operator })).text();
    expect(all).not.toContain(PASSWORD);
    const env = (JSON.parse(all).data as Array<{ id: string; source: { connection?: string } }>).find((j) => j.id === 'net')!;
    expect(env.source.connection).toBe('mysql://reader:***@QZJ-FRONTEND.zc.gov.cn:3306/qzj');

    const db = target === 'mysql' ? { DB_CLIENT: 'mysql', DATABASE_URL: ctx.config.db.url! } : { DB_CLIENT: 'sqlite', DATABASE_URL: `sqlite:${ctx.config.db.sqliteFile}` };
    const cli = spawnSync(process.execPath, [CLI, 'sync', 'job', 'list', '--json'], { env: { ...process.env, ...db, DATA_DIR: ctx.config.dataDir, LOG_LEVEL: 'silent' }, encoding: 'utf8' });
    expect(cli.status).toBe(0);
    expect(cli.stdout + cli.stderr).not.toContain(PASSWORD);
    const listed = JSON.parse(cli.stdout) as Array<{ id: string; source: { connection: string } }>;
    expect(listed.find((j) => j.id === 'legacy')!.source.connection).toBe('mysql://reader:***@10.1.2.3:3306/qzj');
  });

  it('a password kept in SYNC_PASSWORD_* is read at run time; an unset variable fails the run by name', async () => {
    if (target !== 'mysql') return; // needs a password-protected source: MariaDB
    const src = new URL(process.env.MYSQL_URL!);
    const password = decodeURIComponent(src.password);
    const front = (await import('../../support/sync')).frontEnd;
    const fe = await front('mysql', 'pw-job');
    try {
      await fe.insertPeople(0, 5);
      const url = new URL(fe.database.url);
      url.password = '';
      const policy = { ...sourcePolicy(ctx.config), sourceHosts: [url.hostname] };
      const def = { ...fe.job({ id: 'pw-job' }), source: { client: 'mysql2' as const, connection: url.toString(), table: FRONTEND_TABLES.population, passwordEnv: 'SYNC_PASSWORD_TEST_FE' } };
      const defined = await defineJob(ctx.db, def, policy);
      delete process.env.SYNC_PASSWORD_TEST_FE;
      const missing = await new SyncEngine(ctx.db).run(defined, 'full');
      expect(missing.status !== 'skipped' && missing.run.error).toBe('源数据库密码的环境变量 SYNC_PASSWORD_TEST_FE 未设置');
      process.env.SYNC_PASSWORD_TEST_FE = 'Wr0ng-Passw0rd-for-the-front-end';
      const denied = await new SyncEngine(ctx.db).run(defined, 'full');
      expect(denied.status).toBe('failed');
      expect(denied.status !== 'skipped' && denied.run.error).toMatch(/^数据库访问失败.*(拒绝登录|ER_ACCESS_DENIED)/);
      const status = JSON.stringify(await ctx.db('sync_runs').where({ job_id: 'pw-job' }));
      expect(status).not.toContain('Wr0ng-Passw0rd');
      process.env.SYNC_PASSWORD_TEST_FE = password;
      const ran = await new SyncEngine(ctx.db).run(defined, 'full');
      expect(ran.status).toBe('succeeded');
      const stored = JSON.parse((await ctx.db('sync_jobs').where({ id: 'pw-job' }).first()).definition);
      expect(new URL(stored.source.connection).password).toBe('');
    } finally {
      delete process.env.SYNC_PASSWORD_TEST_FE;
      await fe.drop();
    }
  });
});
