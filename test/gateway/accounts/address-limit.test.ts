/**
 * Besides the per-account lock, failed sign-ins from one address are limited across accounts
 * (WORKBENCH_ADDRESS_FAILURES per sliding 15 minutes), counted in the database so that every
 * replica refuses the address, and each refusal is recorded. Addresses come from
 * X-Forwarded-For, which the app trusts from the loopback (a balancer in front).
 */
import { startServer, RunningServer } from '../../../scripts/app/server';
import { STORAGE_TARGETS } from '../../support/databases';
import { testContext, TestContext } from '../../support/context';
import { addAccount } from '../../../gateway/accounts/accounts';
import { seedCatalogue } from '../../../catalog/seed';

const PASSWORD = 'Zhoucun-2018-ok';

describe.each(STORAGE_TARGETS)('sign-in limit per address on %s', (target) => {
  let ctx: TestContext;
  let replica1: RunningServer;
  let replica2: RunningServer;

  beforeAll(async () => {
    ctx = await testContext(target, { WORKBENCH_ADDRESS_FAILURES: '4' });
    await seedCatalogue(ctx.db); // the departments
    await addAccount(ctx.db, { username: 'victim', role: 'officer', departmentCode: 'ZC010', password: PASSWORD });
    replica1 = await startServer(ctx, { port: 0, host: '127.0.0.1' });
    replica2 = await startServer(ctx, { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await replica1?.close();
    await replica2?.close();
    await ctx?.dispose();
  });

  async function signIn(server: RunningServer, address: string, username: string, password: string) {
    const r = await fetch(`http://127.0.0.1:${server.port}/dprs/workbench/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify({ username, password }),
    });
    return { status: r.status, body: (await r.json()) as { msg: string } };
  }

  it('refuses an address after its failures across accounts, on every replica, and records it', async () => {
    // a spray: common passwords against several names, none of them failing five times
    expect((await signIn(replica1, '10.20.0.7', 'victim', 'Wrong-pass-1')).status).toBe(401);
    expect((await signIn(replica1, '10.20.0.7', 'nobody1', 'Wrong-pass-1')).status).toBe(401);
    expect((await signIn(replica2, '10.20.0.7', 'nobody2', 'Wrong-pass-1')).status).toBe(401);
    expect((await signIn(replica2, '10.20.0.7', 'nobody3', 'Wrong-pass-1')).status).toBe(401);
    // the fifth attempt from that address is refused before any password is checked, even the right one, on either replica
    for (const server of [replica1, replica2]) {
      const refused = await signIn(server, '10.20.0.7', 'victim', PASSWORD);
      expect(refused.status).toBe(429);
      expect(refused.body.msg).toContain('该地址登录失败次数过多');
    }
    // the account itself is not locked: from another address it signs in
    expect((await signIn(replica1, '10.20.0.8', 'victim', PASSWORD)).status).toBe(200);
    const throttled = (await ctx.db('sign_in_events').where({ event: 'throttled' }).orderBy('id')) as Array<{ username: string; ip: string; reason: string }>;
    expect(throttled.map((e) => [e.username, e.ip])).toEqual([['victim', '10.20.0.7'], ['victim', '10.20.0.7']]);
    expect(throttled[0].reason).toBe('来源地址失败次数过多');
  });

  it('counts only failures: successful sign-ins from a busy office address are not limited', async () => {
    for (let i = 0; i < 6; i++) expect((await signIn(replica1, '10.20.0.9', 'victim', PASSWORD)).status).toBe(200);
    expect((await signIn(replica1, '10.20.0.9', 'victim', 'Wrong-pass-2')).status).toBe(401);
  });
});
