/**
 * resolveAccess and verificationRefusal, rule by rule, on each storage target: who is refused and
 * why, which grants are in force at a given instant (expiry is exclusive, revocation immediate),
 * the union of several grants' items, an item masked unless some grant gives it plain, the
 * resource's item order, and what a verification needs.
 */
import { LIBRARIES } from '../../core/registry';
import { resolveAccess, verificationRefusal } from '../../catalog/access';
import { createGrant, getGrant, listGrants, revokeGrant } from '../../catalog/grants';
import * as resources from '../../catalog/resources';
import { addConsumer, setConsumerDisabled } from '../../catalog/consumers';
import { STORAGE_TARGETS } from '../support/databases';
import { catalogHarness, CatalogHarness } from '../support/catalog';

const PEOPLE = LIBRARIES.population.resource_code;
const FIRMS = LIBRARIES.legal_entity.resource_code;
const NOW = Date.UTC(2026, 5, 1);

describe.each(STORAGE_TARGETS)('resolveAccess on %s', (target) => {
  let h: CatalogHarness;
  let n = 0;
  /** a fresh consumer with the given grants on the population resource (unless another is named) */
  async function consumerWith(grants: Array<{ items: string[]; masked?: string[]; expires_at?: number | null; revoked?: boolean; resource?: string }>) {
    const id = `c${++n}`;
    await addConsumer(h.ctx.db, { id, name: `测试调用方${n}`, methods: [] });
    for (const g of grants) {
      const grantId = await createGrant(h.ctx.db, {
        consumer_id: id, resource_code: g.resource ?? PEOPLE, application_id: null, items: g.items, masked_items: g.masked ?? [], expires_at: g.expires_at ?? null,
      });
      if (g.revoked) await h.ctx.db('grants').where({ id: grantId }).update({ revoked_at: NOW - 1 });
    }
    return id;
  }
  const access = (consumer: string, method = 'getRKZP', now = NOW) => resolveAccess(h.ctx.db, consumer, method, now);

  beforeAll(async () => {
    h = await catalogHarness(target);
  });
  afterAll(() => h.close());

  it('refuses an unknown or disabled consumer before anything else', async () => {
    expect(await access('nobody')).toEqual({ ok: false, reason: '调用方不存在或已停用' });
    const c = await consumerWith([{ items: ['XM'] }]);
    await setConsumerDisabled(h.ctx.db, c, true);
    expect(await access(c)).toEqual({ ok: false, reason: '调用方不存在或已停用' });
    expect(await access(c, 'getNOPE')).toEqual({ ok: false, reason: '调用方不存在或已停用' });
  });

  it('refuses a method the catalogue does not know', async () => {
    const c = await consumerWith([{ items: ['XM'] }]);
    expect(await access(c, 'getNOPE')).toEqual({ ok: false, reason: '接口 getNOPE 未在目录中登记或所属资源未发布' });
  });

  it('refuses without a grant in force on the method’s own resource', async () => {
    expect(await access(await consumerWith([]))).toEqual({ ok: false, reason: '未获授权调用 getRKZP' });
    expect(await access(await consumerWith([{ items: ['JGMC'], resource: FIRMS }]))).toEqual({ ok: false, reason: '未获授权调用 getRKZP' });
    expect(await access(await consumerWith([{ items: ['XM'], revoked: true }]))).toEqual({ ok: false, reason: '未获授权调用 getRKZP' });
    // items the resource does not have grant nothing
    expect(await access(await consumerWith([{ items: ['JGMC'] }]))).toEqual({ ok: false, reason: '未获授权调用 getRKZP' });
  });

  it('keeps a grant in force until the instant of its expiry, exclusive', async () => {
    const c = await consumerWith([{ items: ['XM'], expires_at: NOW + 1000 }]);
    expect(await access(c, 'getRKZP', NOW + 999)).toMatchObject({ ok: true });
    expect(await access(c, 'getRKZP', NOW + 1000)).toEqual({ ok: false, reason: '未获授权调用 getRKZP' });
    expect(await access(c, 'getRKZP', NOW + 1001)).toEqual({ ok: false, reason: '未获授权调用 getRKZP' });
  });

  it('answers the union of the grants’ items in the resource’s order, masked unless one grant gives an item plain', async () => {
    const c = await consumerWith([
      { items: ['HJD', 'XM', 'GMSFZH'], masked: ['GMSFZH', 'HJD'] },
      { items: ['GMSFZH', 'CSRQ'], masked: [] },
      { items: ['JG'], masked: ['JG'], expires_at: NOW - 1 }, // expired: grants nothing
    ]);
    const r = await access(c);
    expect(r).toEqual({ ok: true, access: { method: 'getRKZP', items: ['GMSFZH', 'XM', 'CSRQ', 'HJD'], masked: ['HJD'] } });
    // the same items under another method of the resource
    expect(await access(c, 'getRKHY')).toEqual({ ok: true, access: { method: 'getRKHY', items: ['GMSFZH', 'XM', 'CSRQ', 'HJD'], masked: ['HJD'] } });
  });

  it('reads a published registration once per change of its row', async () => {
    const c = await consumerWith([{ items: ['XM'] }]);
    expect(await access(c)).toMatchObject({ ok: true });
    const read = jest.spyOn(resources, 'registrationOfRow').mockResolvedValue(null);
    try {
      // the row did not change: its registration is not read again
      expect(await access(c)).toMatchObject({ ok: true });
      expect(read).not.toHaveBeenCalled();
      // it changed (and, between two reads, vanished): refused
      await h.ctx.db('resources').where({ code: PEOPLE, status: 'published' }).increment('updated_at', 1);
      expect(await access(c)).toEqual({ ok: false, reason: '接口 getRKZP 所属资源未发布或已停用' });
    } finally {
      read.mockRestore();
    }
    expect(await access(c)).toMatchObject({ ok: true });
  });

  it('stores a grant’s masked items only among its items, and revokes once', async () => {
    const c = await consumerWith([]);
    const id = await createGrant(h.ctx.db, { consumer_id: c, resource_code: PEOPLE, application_id: null, items: ['XM', 'CSRQ'], masked_items: ['HJD', 'XM'], expires_at: null });
    expect(await getGrant(h.ctx.db, id)).toMatchObject({ items: ['XM', 'CSRQ'], masked_items: ['XM'], revoked_at: null });
    const operator = { role: 'operator', sub: 'op' } as const;
    const first = await revokeGrant(h.ctx.db, operator, id);
    expect(first.revoked_at).toEqual(expect.any(Number));
    expect((await revokeGrant(h.ctx.db, operator, id)).revoked_at).toBe(first.revoked_at);
    await expect(revokeGrant(h.ctx.db, operator, 987654)).rejects.toMatchObject({ kind: 'NOT_FOUND', detail: '授权 987654 不存在', field: 'id' });
  });

  it('lists to a department only the grants on the resources it provides', async () => {
    const c = await consumerWith([{ items: ['XM'] }, { items: ['JGMC'], resource: FIRMS }]);
    const provider = async (resource: string) => String((await h.ctx.db('resources').where({ code: resource }).first('provider_code')).provider_code);
    const [police, gsj] = [await provider(PEOPLE), await provider(FIRMS)];
    const mine = (list: Array<{ consumer_id: string; resource_code: string }>) => list.filter((g) => g.consumer_id === c).map((g) => g.resource_code);
    expect(mine(await listGrants(h.ctx.db, { role: 'department', sub: 'd', dept: police } as never))).toEqual([PEOPLE]);
    expect(mine(await listGrants(h.ctx.db, { role: 'department', sub: 'd', dept: gsj } as never))).toEqual([FIRMS]);
    expect(mine(await listGrants(h.ctx.db, { role: 'consumer', sub: c } as never))).toEqual([PEOPLE, FIRMS]);
    expect(mine(await listGrants(h.ctx.db, { role: 'consumer', sub: 'someone-else' } as never))).toEqual([]);
  });

  it('masks an item masked by every grant that gives it', async () => {
    const c = await consumerWith([{ items: ['XM', 'GMSFZH'], masked: ['XM'] }, { items: ['XM'], masked: ['XM'] }]);
    expect(await access(c)).toEqual({ ok: true, access: { method: 'getRKZP', items: ['GMSFZH', 'XM'], masked: ['XM'] } });
  });
});

describe('what a verification needs', () => {
  const acc = (items: string[], masked: string[] = []) => ({ method: 'getRKHY', items, masked });

  it('every compared item, granted and plain', () => {
    expect(verificationRefusal(acc(['GMSFZH', 'XM']), ['XM', 'GMSFZH'])).toBeNull();
    expect(verificationRefusal(acc(['GMSFZH', 'XM', 'CSRQ'], ['CSRQ']), ['XM', 'GMSFZH'])).toBeNull();
    expect(verificationRefusal(acc(['GMSFZH']), ['XM', 'GMSFZH'])).toBe('未获授权调用 getRKHY：核验须获授权比对的信息项 XM（不脱敏）');
    expect(verificationRefusal(acc(['GMSFZH', 'XM'], ['GMSFZH']), ['XM', 'GMSFZH'])).toBe('未获授权调用 getRKHY：核验须获授权比对的信息项 GMSFZH（不脱敏）');
    expect(verificationRefusal(acc([], []), ['XM', 'GMSFZH'])).toBe('未获授权调用 getRKHY：核验须获授权比对的信息项 XM、GMSFZH（不脱敏）');
    expect(verificationRefusal(acc([]), [])).toBeNull();
  });
});
