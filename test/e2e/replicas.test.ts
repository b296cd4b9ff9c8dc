/**
 * Two `dprs serve` replicas on one MariaDB schema: both answer lookups, every scheduled sync
 * tick runs on exactly one of them (runs of a job never overlap), the audit chain stays whole,
 * and when one is killed (SIGKILL, holding a lease) the other takes its jobs over.
 */
import { freshDatabase, tempDir, TestDatabase } from '../support/databases';
import { auditChainKey } from '../../gateway/auditing/chain';
import { verifyChain } from '../../gateway/auditing/store';
import { Child, lookup, patchJobs, prepareDemo, serveEnv, spawnCli, waitReady, DEMO_SEED } from '../support/serve';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const PEOPLE = 300;
const PER_REPLICA = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (!process.env.MYSQL_URL && !ci) {
  process.stderr.write('\n*** test/e2e/replicas.test.ts SKIPPED: it needs MariaDB (set MYSQL_URL=mysql://user:pass@127.0.0.1:3306/db) ***\n\n');
}
const maybe = process.env.MYSQL_URL || ci ? describe : describe.skip;

interface RunRow {
  id: number;
  job_id: string;
  mode: string;
  status: string;
  started_at: number;
  ended_at: number | null;
  host: string;
  error: string | null;
}

maybe('two replicas on one MariaDB', () => {
  let database: TestDatabase;
  const replicas: Child[] = [];
  const dataDir = tempDir('dprs-replicas-');
  const ports = [20000 + (process.pid % 1000), 21000 + (process.pid % 1000)];

  beforeAll(async () => {
    // in CI a missing MariaDB is a failure, not a skip
    if (!process.env.MYSQL_URL) throw new Error('CI is set but MYSQL_URL is not: the replica suite needs MariaDB');
    database = await freshDatabase('mysql', { migrate: false });
  });
  afterAll(async () => {
    for (const r of replicas) if (r.proc.exitCode === null && r.proc.signalCode === null) r.proc.kill('SIGKILL');
    await database?.drop();
  });

  it('share lookups, sync ticks and the audit chain, and survive losing one replica', async () => {
    const env = serveEnv(dataDir, { target: 'mysql', url: database.url }, { HOST: '127.0.0.1', SYNC_LEASE_MS: '5000' });
    const { token } = await prepareDemo(env, { people: PEOPLE, entities: 40, licences: 80, seed: DEMO_SEED });
    // incremental every 2 s for all jobs; the entity job also re-reads everything every 3 s,
    // throttled to ~2 s per run, so a lease is held much of the time
    await patchJobs(env, (def) =>
      def.id === 'demo-legal-entity'
        ? { ...def, schedule: { full: '*/3 * * * * *', incremental: '*/2 * * * * *' }, batchSize: 5, throttle: 20 }
        : { ...def, schedule: { incremental: '*/2 * * * * *' } },
    );
    // each replica has its own metrics address, as two exporters on one host would
    for (const port of ports) replicas.push(spawnCli(['serve'], { ...env, PORT: String(port), METRICS_LISTEN: `127.0.0.1:${port + 1}` }));
    await Promise.all(ports.map((p) => waitReady(p)));
    const pids = replicas.map((r) => r.proc.pid!);
    const t0 = Date.now();

    // (a) lookups on both replicas at once
    const answers = await Promise.all(ports.flatMap((port) => Array.from({ length: PER_REPLICA }, (_, i) => lookup(port, token, (i * 7) % PEOPLE))));
    expect(answers.filter((a) => a.status === 200 && a.resultCode === '200' && a.rows === 1)).toHaveLength(2 * PER_REPLICA);

    // real work for the incremental runs
    for (let i = 0; i < 2; i++) {
      const touch = spawnCli(['demo', 'touch', '--people', '20'], env);
      expect((await touch.exited).code).toBe(0);
      await sleep(2500);
    }

    // (d) kill the replica holding the entity job's lease mid-run: it holds the lease and its run
    // row says 'running' (the lease is also held for a moment before and after each run)
    const db = database.db;
    let victim = -1;
    let interrupted: RunRow | undefined;
    for (const start = Date.now(); victim < 0 && Date.now() - start < 10000; await sleep(25)) {
      const lease = await db('leases').where({ name: 'sync:demo-legal-entity' }).first();
      const pid = lease ? Number(String(lease.holder).split(':')[1]) : NaN;
      if (!pids.includes(pid)) continue;
      interrupted = (await db('sync_runs').where({ job_id: 'demo-legal-entity', status: 'running' }).where('host', 'like', `%:${pid}`).first()) as RunRow | undefined;
      if (interrupted) victim = pids.indexOf(pid);
    }
    expect(victim).toBeGreaterThanOrEqual(0);
    const survivor = 1 - victim;
    replicas[victim].proc.kill('SIGKILL');
    const killedAt = Date.now();
    await replicas[victim].exited;

    // the survivor runs the job within the lease time (same host: the dead holder is seen at once)
    let takeover: RunRow | undefined;
    for (const start = Date.now(); !takeover && Date.now() - start < 10000; await sleep(200)) {
      takeover = (await db('sync_runs')
        .where({ job_id: 'demo-legal-entity', status: 'succeeded' })
        .where('started_at', '>', killedAt)
        .where('host', 'like', `%:${pids[survivor]}`)
        .first()) as RunRow | undefined;
    }
    expect(takeover).toBeDefined();
    const takeoverMs = Number(takeover!.started_at) - killedAt;
    expect(takeoverMs).toBeLessThan(5000);
    // the victim's interrupted run was recorded as failed when the survivor took the lease
    // (unless it finished in the few milliseconds between reading it and the kill)
    const row = (await db('sync_runs').where({ id: interrupted!.id }).first()) as RunRow;
    expect(row.status).not.toBe('running');
    if (row.status === 'succeeded') expect(Number(row.ended_at)).toBeLessThanOrEqual(killedAt);
    else expect(row.error).toMatch(/进程中断/);

    // the survivor still answers
    const after = await Promise.all(Array.from({ length: 10 }, (_, i) => lookup(ports[survivor], token, i)));
    expect(after.every((a) => a.status === 200)).toBe(true);
    const metrics = await (await fetch(`http://127.0.0.1:${ports[survivor] + 1}/metrics`)).text();
    // the takeover run (full or incremental, whichever tick came first) is counted by the survivor
    expect(metrics).toMatch(new RegExp(`dprs_sync_runs_total\\{job="demo-legal-entity",mode="${takeover!.mode}",status="succeeded"\\} [1-9]`));
    expect(metrics).toMatch(/dprs_lookup_requests_total\{[^}]*consumer="zc-yichuang",result_code="200"\} [1-9]/);

    const stop = replicas[survivor].exited;
    replicas[survivor].proc.kill('SIGTERM');
    expect((await stop).code).toBe(0);

    // (b) runs of one job never overlap, each ran on one of the two replicas, both took part,
    // and each 2-s incremental tick ran at most once across the replicas
    const runs = (await db('sync_runs').where('started_at', '>=', t0).orderBy('started_at')) as RunRow[];
    const hosts = new Set<number>();
    let incrementals = 0;
    for (const job of ['demo-population', 'demo-legal-entity', 'demo-licence']) {
      const mine = runs.filter((r) => r.job_id === job);
      expect(mine.length).toBeGreaterThan(2);
      for (const r of mine) {
        const pid = Number(r.host.split(':')[1]);
        expect(pids).toContain(pid);
        hosts.add(pid);
        expect(r.ended_at).not.toBeNull();
      }
      for (let i = 1; i < mine.length; i++) expect(Number(mine[i].started_at)).toBeGreaterThanOrEqual(Number(mine[i - 1].ended_at));
      const incr = mine.filter((r) => r.mode === 'incr');
      incrementals += incr.length;
      for (let i = 1; i < incr.length; i++) expect(Number(incr[i].started_at) - Number(incr[i - 1].started_at)).toBeGreaterThan(1000);
    }
    expect(hosts.size).toBe(2);
    const touched = await db('population').where('synced_at', '>=', t0).count({ n: '*' }).first();
    expect(Number(touched!.n)).toBeGreaterThanOrEqual(20);

    // (c) one audit row per answered lookup, chain intact across both writers
    const lookups = 2 * PER_REPLICA + after.length;
    expect(Number((await db('audit_log').count({ n: '*' }).first())!.n)).toBe(lookups);
    expect(await verifyChain(db, auditChainKey(env.AUDIT_KEY))).toMatchObject({ ok: true, rows: lookups });
    process.stdout.write(
      `replicas: ${lookups} lookups answered, ${runs.length} sync runs (${incrementals} incremental) over ${hosts.size} replicas without overlap, ` +
        `takeover ${takeoverMs} ms after SIGKILL\n`,
    );
  }, 90000);
});
