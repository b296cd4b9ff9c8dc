/**
 * Sign-in rules at the API, on every storage target: lockout after five failures, the idle
 * timeout, TOTP for operators, CSRF on every unsafe request, one-time passwords, the session
 * as a catalogue principal, and the person behind a lookup in the audit.
 */
import { startServer, RunningServer } from '../../../scripts/app/server';
import { STORAGE_TARGETS } from '../../support/databases';
import { testContext, TestContext } from '../../support/context';
import { addAccount, resetAccount } from '../../../gateway/accounts/accounts';
import { hotp, stepAt } from '../../../gateway/accounts/totp';
import { CONSUMER, Fixtures, insertFixtures, postJson, PURPOSE, tokenFor } from '../../support/lookups';
import { sampleRegistration } from '../../support/catalog';
import { verifyChain } from '../../../gateway/auditing/store';
import { auditChainKey } from '../../../gateway/auditing/chain';

const PASSWORD = 'Zhoucun-2018-ok';

interface Answer {
  status: number;
  body: { result_code: string; msg: string; data: Array<Record<string, any>> };
  cookies: string[];
}

describe.each(STORAGE_TARGETS)('workbench sign-in on %s', (target) => {
  let ctx: TestContext;
  let server: RunningServer;
  let base: string;
  let fx: Fixtures;

  beforeAll(async () => {
    ctx = await testContext(target, { WORKBENCH_TOTP_REQUIRED: 'true', WORKBENCH_IDLE_MINUTES: '30', WORKBENCH_LOCK_MINUTES: '15' });
    fx = await insertFixtures(ctx.db);
    server = await startServer(ctx, { port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${server.port}`;
    await addAccount(ctx.db, { username: 'officer1', role: 'officer', departmentCode: 'ZC010', password: PASSWORD });
    await addAccount(ctx.db, { username: 'locky', role: 'officer', departmentCode: 'ZC010', password: PASSWORD });
    await addAccount(ctx.db, { username: 'clerk1', role: 'clerk', consumerId: CONSUMER, password: PASSWORD });
  });
  afterAll(async () => {
    await server.close();
    await ctx.dispose();
  });

  async function call(method: string, path: string, opts: { body?: unknown; cookies?: string[]; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.cookies) headers.cookie = opts.cookies.map((c) => c.split(';')[0]).join('; ');
    const r = await fetch(base + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    return { status: r.status, body: (await r.json()) as Answer['body'], cookies: r.headers.getSetCookie() };
  }
  const signIn = (username: string, password: string, totp?: string) => call('POST', '/dprs/workbench/api/session', { body: { username, password, totp } });
  const events = async (username: string) => ((await ctx.db('sign_in_events').where({ username }).orderBy('id')) as Array<{ event: string }>).map((e) => e.event);
  const csrfOf = (a: Answer) => a.body.data[0].csrf_token as string;

  it('signs in with an HttpOnly SameSite=Strict session cookie and a readable CSRF cookie', async () => {
    const a = await signIn('officer1', PASSWORD);
    expect(a.status).toBe(200);
    const session = a.cookies.find((c) => c.startsWith('dprs_session='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    expect(session).not.toMatch(/Secure/); // plain HTTP on an intranet address must work
    const csrf = a.cookies.find((c) => c.startsWith('dprs_csrf='))!;
    expect(csrf).not.toMatch(/HttpOnly/);
    expect(csrf.split(';')[0]).toBe(`dprs_csrf=${csrfOf(a)}`);
    const me = await call('GET', '/dprs/workbench/api/session', { cookies: a.cookies });
    expect(me.body.data[0]).toMatchObject({ username: 'officer1', role: 'officer', department_code: 'ZC010' });
    // the cookie value is not what the database holds
    const stored = (await ctx.db('sessions').where({ username: 'officer1' }).first()) as { id_hash: string };
    expect(session).not.toContain(stored.id_hash);
    expect(await events('officer1')).toContain('sign_in');
    // signing in again from the same browser replaces the session
    const again = await call('POST', '/dprs/workbench/api/session', { body: { username: 'officer1', password: PASSWORD }, cookies: a.cookies, headers: { 'x-csrf-token': csrfOf(a) } });
    expect(again.status).toBe(200);
    expect((await call('GET', '/dprs/workbench/api/session', { cookies: a.cookies })).body.data).toEqual([]);
    expect((await call('GET', '/dprs/workbench/api/session', { cookies: again.cookies })).body.data[0].username).toBe('officer1');
  });

  it('answers an unknown user and a wrong password alike, and locks after five failures in a row', async () => {
    const unknown = await signIn('nobody', PASSWORD);
    const wrong = await signIn('locky', 'Wrong-password-1');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body.msg).toContain('用户名或密码错误');
    expect(wrong.body.msg).toContain('用户名或密码错误');
    for (let i = 2; i <= 4; i++) expect((await signIn('locky', 'Wrong-password-1')).status).toBe(401);
    const fifth = await signIn('locky', 'Wrong-password-1');
    expect(fifth.status).toBe(403);
    expect(fifth.body.msg).toContain('已锁定');
    // now even the right password is refused until the lock ends
    const right = await signIn('locky', PASSWORD);
    expect(right.status).toBe(403);
    expect(right.body.msg).toMatch(/锁定.*分钟/);
    expect(await events('locky')).toEqual(['failure', 'failure', 'failure', 'failure', 'failure', 'locked', 'failure']);
    await ctx.db('accounts').where({ username: 'locky' }).update({ locked_until: Date.now() - 1000 });
    expect((await signIn('locky', PASSWORD)).status).toBe(200);
  });

  it('a success resets the failure count', async () => {
    for (let i = 0; i < 4; i++) await signIn('officer1', 'Wrong-password-1');
    expect((await signIn('officer1', PASSWORD)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await signIn('officer1', 'Wrong-password-1')).status).toBe(401);
    expect((await signIn('officer1', PASSWORD)).status).toBe(200);
  });

  it('ends a session left idle longer than WORKBENCH_IDLE_MINUTES', async () => {
    const a = await signIn('officer1', PASSWORD);
    expect((await call('GET', '/dprs/workbench/api/session', { cookies: a.cookies })).status).toBe(200);
    const before = (await ctx.db('sign_in_events').where({ username: 'officer1', event: 'expired' }).count({ n: '*' }).first()) as { n: number };
    await ctx.db('sessions').where({ username: 'officer1' }).update({ last_seen_at: Date.now() - 31 * 60000 });
    const late = await call('GET', '/dprs/workbench/api/session', { cookies: a.cookies });
    expect(late.status).toBe(401);
    expect(late.body.msg).toContain('会话已超时');
    const after = (await ctx.db('sign_in_events').where({ username: 'officer1', event: 'expired' }).count({ n: '*' }).first()) as { n: number };
    expect(Number(after.n)).toBeGreaterThan(Number(before.n));
    // and the catalogue no longer sees the officer
    const reg = await call('POST', '/dprs/catalog/resources', { cookies: a.cookies, headers: { 'x-csrf-token': csrfOf(a) }, body: sampleRegistration() });
    expect(reg.status).toBe(401);
  });

  it('ends sessions nobody came back to when anyone signs in', async () => {
    await signIn('locky', PASSWORD);
    const idle = await ctx.db('sessions').where({ username: 'locky' }).update({ last_seen_at: Date.now() - 31 * 60000 });
    expect(idle).toBeGreaterThan(0);
    const expiredBefore = (await events('locky')).filter((e) => e === 'expired').length;
    await signIn('officer1', PASSWORD);
    expect(await ctx.db('sessions').where({ username: 'locky' }).first()).toBeUndefined();
    expect((await events('locky')).filter((e) => e === 'expired').length).toBe(expiredBefore + idle);
  });

  it('signs out: the cookie stops working', async () => {
    const a = await signIn('officer1', PASSWORD);
    expect((await call('DELETE', '/dprs/workbench/api/session', { cookies: a.cookies, headers: { 'x-csrf-token': csrfOf(a) } })).status).toBe(200);
    const after = await call('GET', '/dprs/workbench/api/session', { cookies: a.cookies });
    expect(after.body).toMatchObject({ msg: '未登录', data: [] });
    const reg = await call('POST', '/dprs/catalog/resources', { cookies: a.cookies, headers: { 'x-csrf-token': csrfOf(a) }, body: sampleRegistration({ code: '301010/00011' }) });
    expect(reg.status).toBe(401);
  });

  it('has an operator enrol an authenticator at first sign-in when WORKBENCH_TOTP_REQUIRED, then asks for a code and takes each once', async () => {
    await addAccount(ctx.db, { username: 'ops1', role: 'operator', password: PASSWORD });
    const enrolling = await signIn('ops1', PASSWORD);
    expect(enrolling.status).toBe(200);
    expect(enrolling.body.data[0]).toMatchObject({ must_enrol_totp: true, has_totp: false });
    const headers = { 'x-csrf-token': csrfOf(enrolling) };
    // until enrolled the session does nothing else
    const blocked = await call('GET', '/dprs/workbench/api/accounts', { cookies: enrolling.cookies });
    expect(blocked.status).toBe(403);
    expect(blocked.body.msg).toContain('请先绑定动态口令');
    expect((await call('GET', '/dprs/admin/audit/verify', { cookies: enrolling.cookies })).status).toBe(401);
    const confirmEarly = await call('POST', '/dprs/workbench/api/session/totp/confirm', { cookies: enrolling.cookies, headers, body: { code: '123456' } });
    expect(confirmEarly.body.msg).toContain('请先获取动态口令密钥');
    const offered = await call('POST', '/dprs/workbench/api/session/totp', { cookies: enrolling.cookies, headers });
    expect(offered.status).toBe(200);
    const secret = offered.body.data[0].totp_secret as string;
    expect(offered.body.data[0].otpauth_uri).toBe(`otpauth://totp/dprs%3Aops1?secret=${secret}&issuer=dprs&algorithm=SHA1&digits=6&period=30`);
    const enrolStep = stepAt(Date.now());
    const wrongCode = String((Number(hotp(secret, enrolStep)) + 1) % 1000000).padStart(6, '0');
    const wrongConfirm = await call('POST', '/dprs/workbench/api/session/totp/confirm', { cookies: enrolling.cookies, headers, body: { code: wrongCode } });
    expect(wrongConfirm.status).toBe(400);
    expect(wrongConfirm.body.msg).toContain('code');
    const confirmed = await call('POST', '/dprs/workbench/api/session/totp/confirm', { cookies: enrolling.cookies, headers, body: { code: hotp(secret, enrolStep) } });
    expect(confirmed.status).toBe(200);
    expect((await call('GET', '/dprs/workbench/api/accounts', { cookies: enrolling.cookies })).status).toBe(200);
    expect((await call('POST', '/dprs/workbench/api/session/totp', { cookies: enrolling.cookies, headers })).body.msg).toContain('已绑定动态口令');

    const first = await signIn('ops1', PASSWORD);
    expect(first.status).toBe(401);
    expect(first.body.data).toEqual([{ totp_required: true }]);
    expect(first.cookies).toEqual([]);
    expect((await signIn('ops1', PASSWORD, hotp(secret, enrolStep))).status).toBe(401); // the enrolment's code is used up
    const code = hotp(secret, enrolStep + 1); // one step of drift is accepted
    const good = await signIn('ops1', PASSWORD, code);
    expect(good.status).toBe(200);
    expect(good.body.data[0]).toMatchObject({ role: 'operator', must_enrol_totp: false, has_totp: true });
    const replay = await signIn('ops1', PASSWORD, code);
    expect(replay.status).toBe(401);
    expect(await events('ops1')).toEqual(['sign_in', 'totp', 'failure', 'sign_in', 'failure']);
    // the operator's session reaches the admin API without a token
    const verify = await call('GET', '/dprs/admin/audit/verify', { cookies: good.cookies });
    expect(verify.status).toBe(200);
    // a reset undoes the enrolment (a lost phone): the next sign-in enrols again
    await resetAccount(ctx.db, 'ops1');
    expect(await ctx.db('accounts').where({ username: 'ops1' }).first('totp_secret')).toEqual({ totp_secret: null });
  });

  it('offers TOTP enrolment to operators and auditors only', async () => {
    const a = await signIn('officer1', PASSWORD);
    const r = await call('POST', '/dprs/workbench/api/session/totp', { cookies: a.cookies, headers: { 'x-csrf-token': csrfOf(a) } });
    expect(r.status).toBe(403);
    expect(r.body.msg).toContain('只有运维管理员和审计员');
  });

  it('refuses an unsafe request without the CSRF token, with a wrong one, or with only the header', async () => {
    const a = await signIn('officer1', PASSWORD);
    const body = sampleRegistration({ code: '301010/00009' });
    const none = await call('POST', '/dprs/catalog/resources', { cookies: a.cookies, body });
    expect(none.status).toBe(403);
    expect(none.body.msg).toContain('跨站请求校验失败');
    const wrong = await call('POST', '/dprs/catalog/resources', { cookies: a.cookies, headers: { 'x-csrf-token': 'forged' }, body });
    expect(wrong.status).toBe(403);
    const onlySession = a.cookies.filter((c) => c.startsWith('dprs_session='));
    const noCookie = await call('POST', '/dprs/catalog/resources', { cookies: onlySession, headers: { 'x-csrf-token': csrfOf(a) }, body });
    expect(noCookie.status).toBe(403);
    expect(await ctx.db('resources').where({ code: '301010/00009' }).first('id')).toBeUndefined();
    // with the token the session is the department's principal
    const good = await call('POST', '/dprs/catalog/resources', { cookies: a.cookies, headers: { 'x-csrf-token': csrfOf(a) }, body });
    expect(good.status).toBe(200);
    expect(good.body.data[0]).toMatchObject({ code: '301010/00009', status: 'draft' });
    // an officer of another department is not that principal
    const other = await call('POST', '/dprs/catalog/resources', { cookies: a.cookies, headers: { 'x-csrf-token': csrfOf(a) }, body: sampleRegistration({ code: '301010/00010', provider_code: 'ZC005' }) });
    expect(other.status).toBe(400);
    expect(JSON.stringify(other.body.data)).toContain('provider_code');
  });

  it('holds an account with a one-time password to changing it first', async () => {
    const { password } = await addAccount(ctx.db, { username: 'newbie', role: 'officer', departmentCode: 'ZC010' });
    const a = await signIn('newbie', password);
    expect(a.status).toBe(200);
    expect(a.body.data[0].must_change_password).toBe(true);
    const h = { cookies: a.cookies, headers: { 'x-csrf-token': csrfOf(a) } };
    expect((await call('GET', '/dprs/workbench/api/resources', h)).status).toBe(403);
    const weak = await call('POST', '/dprs/workbench/api/session/password', { ...h, body: { current_password: password, new_password: 'abcdefghijk' } });
    expect(weak.status).toBe(400);
    expect(weak.body.msg).toContain('new_password');
    const elsewhere = await signIn('newbie', password); // e.g. whoever else saw the one-time password
    const changed = await call('POST', '/dprs/workbench/api/session/password', { ...h, body: { current_password: password, new_password: 'Better-pass-42' } });
    expect(changed.status).toBe(200);
    expect((await call('GET', '/dprs/workbench/api/resources', h)).status).toBe(200);
    expect((await call('GET', '/dprs/workbench/api/session', { cookies: elsewhere.cookies })).body.data).toEqual([]);
  });

  it('records the clerk next to the system for a console lookup, and a system-supplied X-User-Id', async () => {
    const a = await signIn('clerk1', PASSWORD);
    const h = { cookies: a.cookies, headers: { 'x-csrf-token': csrfOf(a) } };
    const methods = await call('GET', '/dprs/workbench/api/lookup/methods', h);
    expect(methods.body.data[0].methods.map((m: { method: string }) => m.method)).toContain('getRKZP');
    const r = await call('POST', '/dprs/workbench/api/lookup', { ...h, body: { method: 'getRKZP', purpose: '办理居住证', params: { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh } } });
    expect(r.status).toBe(200);
    expect(r.body.data[0].RYBH).toBe(fx.alice.rybh);
    await postJson(base, 'getRKHY', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }, { authorization: `Bearer ${tokenFor(ctx.config)}`, 'x-purpose': PURPOSE, 'x-user-id': 'window-07' });
    await ctx.audit.flush();
    const rows = (await ctx.db('audit_log').orderBy('id', 'desc').limit(2)) as Array<{ consumer_id: string; user_id: string | null; method: string }>;
    expect(rows.map((x) => [x.method, x.consumer_id, x.user_id])).toEqual([
      ['getRKHY', CONSUMER, 'window-07'],
      ['getRKZP', CONSUMER, 'clerk1'],
    ]);
    // the user id is covered by the hash chain
    expect(await verifyChain(ctx.db, auditChainKey(ctx.config.auditKey))).toMatchObject({ ok: true });
    await ctx.db('audit_log').where({ user_id: 'clerk1' }).update({ user_id: 'someone' });
    expect(await verifyChain(ctx.db, auditChainKey(ctx.config.auditKey))).toMatchObject({ ok: false });
    await ctx.db('audit_log').where({ user_id: 'someone' }).update({ user_id: 'clerk1' });
  });

  it('refuses an X-User-Id that is an ID number', async () => {
    const r = await postJson(base, 'getRKHY', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }, { authorization: `Bearer ${tokenFor(ctx.config)}`, 'x-purpose': PURPOSE, 'x-user-id': fx.alice.gmsfzh });
    expect(r.status).toBe(400);
  });

  it('leaves bearer tokens untouched: a token ignores the cookie and needs no CSRF header', async () => {
    const a = await signIn('officer1', PASSWORD);
    const token = (await import('../../../core/jwt')).signToken(ctx.config, { sub: 'ops', role: 'operator' }, 600);
    const r = await call('GET', '/dprs/admin/audit/verify', { cookies: a.cookies, headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    const officerOnly = await call('GET', '/dprs/admin/audit/verify', { cookies: a.cookies });
    expect(officerOnly.status).toBe(403);
  });
});

describe('X-User-Id required by LOOKUP_USER_ID_REQUIRED', () => {
  it('answers 400 naming the header when it is missing', async () => {
    const ctx = await testContext('sqlite', { LOOKUP_USER_ID_REQUIRED: 'true' });
    const fx = await insertFixtures(ctx.db);
    const server = await startServer(ctx, { port: 0, host: '127.0.0.1' });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const headers = { authorization: `Bearer ${tokenFor(ctx.config)}`, 'x-purpose': PURPOSE };
      const missing = await postJson(base, 'getRKHY', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }, headers);
      expect(missing.status).toBe(400);
      expect(missing.body.msg).toContain('X-User-Id');
      const given = await postJson(base, 'getRKHY', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }, { ...headers, 'x-user-id': 'window-07' });
      expect(given.status).toBe(200);
    } finally {
      await server.close();
      await ctx.dispose();
    }
  });
});
