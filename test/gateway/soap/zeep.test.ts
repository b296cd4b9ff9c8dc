/**
 * Interoperability with an independent SOAP client: python3-zeep loads the WSDL from a running
 * gateway and calls every operation; its parsed `return` envelopes must be identical to the
 * JSON interface's envelopes for the same input. In CI a missing zeep fails the suite.
 */
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { STORAGE_TARGETS } from '../../support/databases';
import type { TestContext } from '../../support/context';
import { testGateway, TestGateway } from '../../support/gateway';
import { Fixtures, postJson, PURPOSE, tokenFor } from '../../support/lookups';

const PYTHON = '/usr/bin/python3';
const CLIENT = path.join(__dirname, 'zeep_client.py');
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const zeepPresent = spawnSync(PYTHON, ['-c', 'import zeep'], { stdio: 'ignore' }).status === 0;

if (!zeepPresent && !inCi) {
  // eslint-disable-next-line no-console
  console.warn(`\n*** SKIPPING the zeep interoperability suite: ${PYTHON} cannot import zeep (apt-get install python3-zeep). CI fails instead of skipping. ***\n`);
}

/** Runs the client asynchronously: the gateway answering it lives in this very process. */
function runClient(args: string[], input: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, { env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', NO_PROXY: '*' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

const suite = zeepPresent || inCi ? describe.each(STORAGE_TARGETS) : describe.skip.each(STORAGE_TARGETS);

suite('zeep interoperability on %s', (target) => {
  let ctx: TestContext;
  let gw: TestGateway;
  let fx: Fixtures;
  let base: string;

  beforeAll(async () => {
    // the WSDL's soap:address must be where zeep can reach the service
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    gw = await testGateway(target, { env: { PUBLIC_URL: base }, port });
    ({ ctx, fx } = gw);
  });
  afterAll(() => gw?.close());

  it('zeep is installed (required in CI)', () => {
    expect(zeepPresent).toBe(true);
  });

  it("zeep's envelopes equal the JSON interface's for every operation", async () => {
    const token = tokenFor(ctx.config);
    const wrongCheck = fx.alice.gmsfzh.slice(0, 17) + (fx.alice.gmsfzh[17] === '0' ? '1' : '0');
    const calls: { op: string; params: Record<string, string> }[] = [
      { op: 'getRKZP', params: { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh } },
      { op: 'getRKZP', params: { xm: fx.legacy.xm, gmsfzh: fx.legacy.id15 } },
      { op: 'getRKZP', params: { xm: fx.ghost.xm, gmsfzh: fx.ghost.gmsfzh } },
      { op: 'getRKZP', params: { xm: fx.alice.xm, gmsfzh: wrongCheck } },
      { op: 'getRKHY', params: { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh } },
      { op: 'getRKHY', params: { xm: '另一个人', gmsfzh: fx.alice.gmsfzh } },
      { op: 'getRKHY', params: { xm: fx.ghost.xm, gmsfzh: fx.ghost.gmsfzh } },
      { op: 'getFRXX', params: { tyshxydm: fx.firm.tyshxydm } },
      { op: 'getFRXX', params: { jgmc: fx.firm.jgmc } },
      { op: 'getFRXX', params: { tyshxydm: fx.deletedFirm.tyshxydm } },
      { op: 'getDZZZ', params: { zzbh: fx.licences.longTerm } },
      { op: 'getDZZZ', params: { czztdm: fx.firm.tyshxydm, zzlxdm: '0042' } },
      { op: 'getDZZZHY', params: { zzbh: fx.licences.valid, czztdm: fx.firm.tyshxydm } },
      { op: 'getDZZZHY', params: { zzbh: fx.licences.expired, czztdm: fx.firm.tyshxydm } },
      { op: 'getDZZZHY', params: { zzbh: fx.licences.revoked, czztdm: fx.firm.tyshxydm } },
      { op: 'getDZZZHY', params: { zzbh: 'NO-SUCH', czztdm: fx.firm.tyshxydm } },
    ];
    const run = await runClient([CLIENT, `${base}/dprs/webService/DataService?wsdl`], JSON.stringify({ token, purpose: PURPOSE, calls }));
    if (run.status !== 0) throw new Error(`zeep client failed (${run.status}): ${run.stderr}`);
    const viaZeep = JSON.parse(run.stdout) as { op: string; envelope: { result_code: string; data: Record<string, unknown>[] } }[];
    expect(viaZeep.map((r) => r.op)).toEqual(calls.map((c) => c.op));
    expect(new Set(viaZeep.map((r) => r.op))).toEqual(new Set(['getRKZP', 'getRKHY', 'getFRXX', 'getDZZZ', 'getDZZZHY']));

    const headers = { authorization: `Bearer ${token}`, 'x-purpose': PURPOSE };
    for (let i = 0; i < calls.length; i++) {
      const json = await postJson(base, calls[i].op, calls[i].params, headers);
      expect({ op: calls[i].op, envelope: viaZeep[i].envelope }).toEqual({ op: calls[i].op, envelope: json.body });
    }
    expect(viaZeep[0].envelope.result_code).toBe('200');
    expect(Object.keys(viaZeep[0].envelope.data[0])).toEqual(['RYBH', 'GMSFZH', 'XM', 'CSRQ', 'MZ', 'XB', 'JG', 'CSD', 'HJD']);
    expect(viaZeep.map((r) => r.envelope.result_code)).toEqual(['200', '200', '404', '400', '200', '200', '200', '200', '200', '404', '200', '200', '200', '200', '200', '200']);
  });
});
