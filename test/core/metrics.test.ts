/**
 * /metrics reflects what the process did: a sync run (runs, rows, duration, lease) and a
 * lookup. The registry is per process, so the values are read as differences where another
 * suite in this worker could have counted too.
 */
import { testContext, TestContext } from '../support/context';
import { startServer, RunningServer } from '../../scripts/app/server';
import { MetricsServer, startMetricsServer } from '../../gateway/metrics-server';
import { ensureDemo, ALL_LOOKUPS, DEMO_CONSUMER_ID } from '../../scripts/demo';
import { issueToken } from '../../gateway/auth/tokens';
import { person } from '../../scripts/demo/records';
import { postJson, PURPOSE } from '../support/lookups';

const PEOPLE = 200;

function sample(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('metrics', () => {
  let ctx: TestContext;
  let server: RunningServer;
  let metrics: MetricsServer;
  let base: string;
  const scrape = async () => (await fetch(`http://127.0.0.1:${metrics.port}/metrics`)).text();

  beforeAll(async () => {
    ctx = await testContext('sqlite');
    server = await startServer(ctx, { port: 0, host: '127.0.0.1' });
    metrics = (await startMetricsServer({ host: '127.0.0.1', port: 0 }, ctx.log))!;
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await metrics.close();
    await server.close();
    await ctx.dispose();
  });

  it('counts sync runs, rows and lease holding by job, and lookups by consumer', async () => {
    const before = await scrape();
    // the demo's first full sync runs through the engine in this process
    await ensureDemo(ctx, { people: PEOPLE, entities: 20, licences: 40, seed: 20181009 });
    const p = person(20181009, 3);
    const token = issueToken(ctx.config, DEMO_CONSUMER_ID, ALL_LOOKUPS).access_token;
    const answer = await postJson(base, 'getRKZP', { xm: p.XM, gmsfzh: p.GMSFZH }, { authorization: `Bearer ${token}`, 'x-purpose': PURPOSE });
    expect(answer.status).toBe(200);

    const after = await scrape();
    const delta = (name: string, labels: string) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta('dprs_sync_runs_total', 'job="demo-population",mode="full",status="succeeded"')).toBe(1);
    expect(delta('dprs_sync_runs_total', 'job="demo-licence",mode="full",status="succeeded"')).toBe(1);
    expect(delta('dprs_sync_rows_total', 'job="demo-population",outcome="written"')).toBe(PEOPLE);
    expect(delta('dprs_sync_run_duration_seconds_count', 'job="demo-population",mode="full"')).toBe(1);
    // held during the run, released at its end
    expect(after).toContain('dprs_lease_held{lease="sync:demo-population"} 0');
    expect(delta('dprs_lookup_requests_total', 'method="getRKZP",interface="json",consumer="zc-yichuang",result_code="200"')).toBe(1);
  });
});
