/**
 * The operator sync API: only an operator JWT (HS256, our kid and issuer, with exp) gets in;
 * jobs can be put, listed, run and removed; an invalid definition is a 400 naming the field.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { createApp } from '../../../scripts/app/app';
import { testContext, TestContext } from '../../support/context';
import { frontEnd, FrontEnd } from '../../support/sync';

describe('/dprs/admin/sync', () => {
  let ctx: TestContext;
  let fe: FrontEnd;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    ctx = await testContext('sqlite');
    fe = await frontEnd('sqlite');
    await fe.insertPeople(0, 50);
    server = http.createServer(createApp(ctx));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dprs/admin/sync`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await fe.drop();
    await ctx.dispose();
  });

  const token = (claims: Record<string, unknown> = { sub: 'ops', role: 'operator' }, opts: jwt.SignOptions = {}) => {
    const key = ctx.config.jwt.keys[0];
    return jwt.sign(claims, key.secret, { algorithm: 'HS256', keyid: key.kid, issuer: ctx.config.jwt.issuer, expiresIn: 300, ...opts });
  };
  const call = async (method: string, path: string, body?: unknown, tok = token()) => {
    const r = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as { result_code: string; msg: string; data: Record<string, unknown>[] } };
  };

  it('refuses callers without an operator token', async () => {
    expect((await fetch(base + '/jobs')).status).toBe(401);
    expect((await call('GET', '/jobs', undefined, token({ sub: 'zc-yichuang', role: 'consumer' }))).status).toBe(403);
    expect((await call('GET', '/jobs', undefined, token({ sub: 'ops', role: 'operator' }, { issuer: 'someone-else' }))).status).toBe(401);
    const noExp = jwt.sign({ role: 'operator', iss: ctx.config.jwt.issuer }, ctx.config.jwt.keys[0].secret, { algorithm: 'HS256', keyid: ctx.config.jwt.keys[0].kid });
    expect((await call('GET', '/jobs', undefined, noExp)).status).toBe(401);
  });

  it('puts, lists, runs and removes a job', async () => {
    const bad = await call('PUT', '/jobs/pop', { ...fe.job(), batchSize: 'many' });
    expect(bad.status).toBe(400);
    expect(bad.body.msg).toContain('字段 batchSize');

    expect((await call('PUT', '/jobs/pop', fe.job())).body.data).toEqual([{ id: 'pop', target: 'population' }]);
    expect((await call('GET', '/jobs')).body.data.map((j) => j.id)).toEqual(['pop']);
    expect((await call('POST', '/jobs/pop/runs?mode=full')).status).toBe(200);
    let status: Record<string, unknown>[] = [];
    for (let i = 0; i < 50; i++) {
      status = (await call('GET', '/status')).body.data;
      const runs = status[0].lastRuns as Array<{ status: string }>;
      if (runs.length && runs[0].status !== 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((status[0].lastRuns as Array<Record<string, unknown>>)[0]).toMatchObject({ status: 'succeeded', read: 50, written: 50 });
    expect((await call('DELETE', '/jobs/pop')).status).toBe(200);
    expect((await call('DELETE', '/jobs/pop')).status).toBe(404);
  });
});
