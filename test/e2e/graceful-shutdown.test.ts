/**
 * SIGTERM (SQLite, and MariaDB when MYSQL_URL is set) while `dprs serve` answers 200 concurrent lookups and a sync run is in progress:
 * every lookup the gateway took is answered in full (audit rows = 200 answers, chain valid),
 * connections made after the signal are refused, the sync run is ended as failed with its
 * lease released, and the process exits 0 within SHUTDOWN_BOUND_MS.
 */
import net from 'node:net';
import { auditChainKey } from '../../gateway/auditing/chain';
import { verifyChain } from '../../gateway/auditing/store';
import { SHUTDOWN_BOUND_MS } from '../../scripts/app/run';
import { ACCEPT_DRAIN_MS } from '../../scripts/app/server';
import { freshDatabase, STORAGE_TARGETS, tempDir } from '../support/databases';
import { DEMO_SEED, LookupResult, patchJobs, prepareDemo, PURPOSE, serveEnv, spawnCli, waitReady } from '../support/serve';
import { person } from '../../scripts/demo/records';

const PEOPLE = 500;
const LOOKUPS = 200;

/** Opens and drops a TCP connection: 'ok', or the error code. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve('ok');
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

/** Opens a TCP connection and waits until the server's kernel has accepted it. */
function connected(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/**
 * A raw HTTP request (Connection: close) on a socket opened earlier; resolves with the whole
 * answer once the server closes it. Proves an accepted connection is still served.
 */
function rawLookup(socket: net.Socket, token: string, i: number): Promise<string> {
  const p = person(DEMO_SEED, i);
  const body = Buffer.from(JSON.stringify({ xm: p.XM, gmsfzh: p.GMSFZH }));
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (d) => (text += d));
    socket.on('close', () => resolve(text));
    socket.on('error', () => undefined);
    socket.write(
      `POST /dprs/api/getRKZP HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nAuthorization: Bearer ${token}\r\n` +
        `X-Purpose: ${PURPOSE}\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    socket.write(body);
  });
}

/** The status, result code and row count of a raw answer (a cut answer has no status). */
function parseAnswer(text: string): LookupResult {
  const status = /^HTTP\/1\.1 (\d{3}) /.exec(text);
  const at = Date.now();
  if (!status) return { status: 'no answer', at };
  try {
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { result_code: string; data: unknown[] };
    return { status: Number(status[1]), resultCode: body.result_code, rows: body.data.length, at };
  } catch {
    return { status: 'cut answer', at };
  }
}

describe.each(STORAGE_TARGETS)('graceful shutdown on %s', (target) => {
  const dataDir = tempDir('dprs-shutdown-');
  const port = (target === 'mysql' ? 22000 : 19000) + (process.pid % 1000);

  it('answers what it accepted, refuses the rest, ends the sync run and exits 0 within the bound', async () => {
    const database = await freshDatabase(target, { migrate: false });
    const db = database.db;
    const env = serveEnv(dataDir, database, { PORT: String(port), HOST: '127.0.0.1' });
    const { token } = await prepareDemo(env, { people: PEOPLE, entities: 50, licences: 100, seed: DEMO_SEED });
    // a slow full run of the population job (50 rows/s, 10 s) that SIGTERM will interrupt
    await patchJobs(env, (def) =>
      def.id === 'demo-population' ? { ...def, schedule: { full: '* * * * * *' }, batchSize: 50, throttle: 50 } : { ...def, schedule: {} },
    );
    const child = spawnCli(['serve'], env);
    try {
      await waitReady(port);
      const runningRun = async () => db('sync_runs').where({ job_id: 'demo-population', status: 'running' }).first();
      for (let t0 = Date.now(); !(await runningRun()) && Date.now() - t0 < 5000; ) await new Promise((r) => setTimeout(r, 100));
      expect(await runningRun()).toBeTruthy();

      // a connection accepted before the signal whose request comes after it
      const early = net.connect(port, '127.0.0.1');
      await new Promise((r) => early.once('connect', r));

      // every lookup's connection is accepted before the signal (a client's pool may still be
      // connecting when it comes, and a connection made after it is rightly refused)
      const sockets = await Promise.all(Array.from({ length: LOOKUPS }, () => connected(port)));
      let answered = 0;
      let killedAt = 0;
      const all: Promise<LookupResult>[] = [];
      const sigterm = new Promise<void>((resolve) => {
        for (let i = 0; i < LOOKUPS; i++) {
          all.push(
            rawLookup(sockets[i], token, i % PEOPLE).then(parseAnswer).then((r) => {
              // signal once a few are answered: most of the 200 are then in flight
              if (r.status === 200 && ++answered === 10) {
                killedAt = Date.now();
                child.proc.kill('SIGTERM');
                resolve();
              }
              return r;
            }),
          );
        }
      });
      await sigterm;
      const earlyAnswer = rawLookup(early, token, 2);
      // new connections: accepted only while the kernel's queue drains, then refused
      let refusedAfter = -1;
      for (let t0 = Date.now(); refusedAfter < 0 && Date.now() - t0 < 5000; ) {
        if ((await tryConnect(port)) === 'ECONNREFUSED') refusedAfter = Date.now() - killedAt;
        else await new Promise((r) => setTimeout(r, 20));
      }
      const stillRunning = child.proc.exitCode === null;
      const results = await Promise.all(all);
      const exit = await child.exited;

      expect(refusedAfter).toBeGreaterThanOrEqual(0);
      expect(refusedAfter).toBeLessThan(ACCEPT_DRAIN_MS + 1000);
      expect(stillRunning).toBe(true); // refused by a live process that is draining, not a dead one
      expect(await earlyAnswer).toMatch(/^HTTP\/1\.1 200 [\s\S]*"result_code":"200"/);
      // their connections were accepted before the signal: every one was answered in full
      const ok = results.filter((r) => r.status === 200 && r.resultCode === '200' && r.rows === 1);
      // by outcome, so a failure says what the others got (no answer, a cut answer, another code)
      const outcomes: Record<string, number> = {};
      for (const r of results) {
        const outcome = `${r.status} ${r.resultCode ?? '-'} ${r.rows ?? '-'}`;
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
      expect(outcomes).toEqual({ '200 200 1': LOOKUPS });
      const afterSignal = ok.filter((r) => r.at > killedAt).length;
      expect(afterSignal).toBeGreaterThan(0); // they really were in flight
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(exit.at - killedAt).toBeLessThan(SHUTDOWN_BOUND_MS);

      // one audit row per answer (the 200, plus the early connection's), and the chain holds
      expect(Number((await db('audit_log').count({ n: '*' }).first())!.n)).toBe(LOOKUPS + 1);
      expect(await verifyChain(db, auditChainKey(env.AUDIT_KEY))).toMatchObject({ ok: true, rows: LOOKUPS + 1 });
      // the interrupted run is recorded as failed, its lease released, nothing left running
      expect(await db('sync_runs').where({ status: 'running' })).toHaveLength(0);
      const last = await db('sync_runs').where({ job_id: 'demo-population' }).orderBy('id', 'desc').first();
      expect(last).toMatchObject({ status: 'failed' });
      expect(String(last.error)).toContain('网关正在停止');
      expect(await db('leases').where('name', 'like', 'sync:%')).toHaveLength(0);
      process.stdout.write(
        `graceful shutdown on ${target}: ${ok.length}/${LOOKUPS} answered (${afterSignal} after SIGTERM), new connections refused ${refusedAfter} ms ` +
          `after it, exit ${exit.code} ${exit.at - killedAt} ms after it\n`,
      );
    } finally {
      if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
      await database.drop();
    }
  }, 60000);
});
