/**
 * The lookups' per-process access cache (catalog/access-cache.ts), on each storage target:
 * a warm decision is reused while the access version stands, and every catalogue change —
 * through this handle or another connection to the same database, as another replica would
 * make it — applies to the very next call; a grant's expiry ends a decision without any change.
 */
import * as access from '../../catalog/access';
import { accessForLookup } from '../../catalog/access-cache';
import { ACCESS_VERSION_SQL } from '../../catalog/access-version';
import { createGrant, revokeGrant } from '../../catalog/grants';
import { addConsumer, setConsumerDisabled } from '../../catalog/consumers';
import { retire } from '../../catalog/lifecycle';
import { LIBRARIES } from '../../core/registry';
import { openKnex, Db } from '../../core/db';
import * as dialect from '../../core/dialect';
import { selectRows } from '../../core/dialect';
import { STORAGE_TARGETS } from '../support/databases';
import { catalogHarness, CatalogHarness } from '../support/catalog';

const PEOPLE = LIBRARIES.population.resource_code;
const OPERATOR = { role: 'operator', sub: 'op' } as const;

describe.each(STORAGE_TARGETS)('access cache on %s', (target) => {
  let h: CatalogHarness;
  /** a second handle on the same database: another process or replica */
  let other: Db;
  let n = 0;

  async function grantedConsumer(expires_at: number | null = null) {
    const id = `cache${++n}`;
    await addConsumer(h.ctx.db, { id, name: `缓存测试${n}`, methods: ['getRKZP'] });
    const grant = await createGrant(h.ctx.db, { consumer_id: id, resource_code: PEOPLE, application_id: null, items: ['XM', 'GMSFZH'], masked_items: [], expires_at });
    return { id, grant };
  }
  const version = async (db: Db) => Number((await selectRows<{ version: number }>(db, ACCESS_VERSION_SQL, []))[0].version);

  beforeAll(async () => {
    h = await catalogHarness(target);
    const d = h.ctx.database;
    other = target === 'mysql' ? openKnex({ client: 'mysql', url: d.url, poolMax: 2 }) : openKnex({ client: 'sqlite', sqliteFile: d.url });
  });
  afterAll(async () => {
    await other.destroy();
    await h.close();
  });
  afterEach(() => jest.restoreAllMocks());

  it('decides once while the version stands', async () => {
    const { id } = await grantedConsumer();
    const decide = jest.spyOn(access, 'decideAccess');
    expect((await accessForLookup(h.ctx.db, id, 'getRKZP')).ok).toBe(true);
    expect((await accessForLookup(h.ctx.db, id, 'getRKZP')).ok).toBe(true);
    expect((await accessForLookup(h.ctx.db, id, 'getRKZP')).ok).toBe(true);
    expect(decide).toHaveBeenCalledTimes(1);
  });

  it('every writer raises the version in the same transaction', async () => {
    const before = await version(h.ctx.db);
    const { id, grant } = await grantedConsumer(); // a consumer and a grant: two changes
    await revokeGrant(h.ctx.db, OPERATOR, grant);
    await setConsumerDisabled(other, id, true);
    expect(await version(h.ctx.db)).toBe(before + 4);
  });

  it.each([
    ['a revocation', 'this handle'],
    ['a revocation', 'another connection'],
    ['a consumer disabled', 'this handle'],
    ['a consumer disabled', 'another connection'],
  ])('%s through %s applies to the next call with the cache warm', async (change, via) => {
    const { id, grant } = await grantedConsumer();
    const db = via === 'this handle' ? h.ctx.db : other;
    expect((await accessForLookup(h.ctx.db, id, 'getRKZP')).ok).toBe(true);
    expect((await accessForLookup(h.ctx.db, id, 'getRKZP')).ok).toBe(true); // warm
    if (change === 'a revocation') await revokeGrant(db, OPERATOR, grant);
    else await setConsumerDisabled(db, id, true);
    expect(await accessForLookup(h.ctx.db, id, 'getRKZP')).toEqual({ ok: false, reason: change === 'a revocation' ? '未获授权调用 getRKZP' : '调用方不存在或已停用' });
    if (change !== 'a revocation') {
      await setConsumerDisabled(other, id, false);
      expect((await accessForLookup(h.ctx.db, id, 'getRKZP')).ok).toBe(true);
    }
  });

  it('concurrent calls share a version read, and each waits for one sent after it began', async () => {
    const { id, grant } = await grantedConsumer();
    expect((await accessForLookup(h.ctx.db, id, 'getRKZP')).ok).toBe(true); // warm
    const real = dialect.selectRows;
    const held: Array<{ sql: string; go: () => void }> = [];
    jest.spyOn(dialect, 'selectRows').mockImplementation(((db: Db, sql: string, b: readonly unknown[]) =>
      new Promise((resolve, reject) => held.push({ sql, go: () => void real(db, sql, b as never).then(resolve as (v: unknown) => void, reject) }))) as unknown as typeof real);
    const versionReads = () => held.filter((x) => x.sql === ACCESS_VERSION_SQL).length;
    const settle = async (p: Promise<unknown>) => {
      let done = false;
      void p.finally(() => (done = true));
      for (let i = 0; !done && i < 50; i++) {
        held.shift()?.go();
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const first = accessForLookup(h.ctx.db, id, 'getRKZP'); // its read is on its way…
    await new Promise((r) => setTimeout(r, 5));
    expect(versionReads()).toBe(1);
    await revokeGrant(other, OPERATOR, grant); // …when the grant is revoked elsewhere
    const second = accessForLookup(h.ctx.db, id, 'getRKZP');
    const third = accessForLookup(h.ctx.db, id, 'getRKZP');
    await new Promise((r) => setTimeout(r, 5));
    expect(versionReads()).toBe(1); // the later calls wait for the next read rather than share the first
    await settle(Promise.all([first, second, third]));
    // the first call began before the revocation; the two after it share one read and see it
    expect((await second).ok).toBe(false);
    expect((await third).ok).toBe(false);
    expect(dialect.selectRows).toHaveBeenCalledTimes(3); // two version reads and one decision
  });

  it('the calls made in one turn of the event loop share one version read', async () => {
    const { id } = await grantedConsumer();
    const read = jest.spyOn(dialect, 'selectRows');
    // each call from a callback of its own, microtasks run between them, as requests arrive from their sockets
    const inOneTurn = () => new Promise<access.AccessResult>((resolve) => setImmediate(() => resolve(accessForLookup(h.ctx.db, id, 'getRKZP'))));
    const answers = await Promise.all([inOneTurn(), inOneTurn(), inOneTurn()]);
    expect(answers.map((a) => a.ok)).toEqual([true, true, true]);
    expect(read.mock.calls.filter(([, sql]) => sql === ACCESS_VERSION_SQL)).toHaveLength(1);
  });

  it('a grant made elsewhere applies to the next call of a consumer refused before', async () => {
    const id = `cache${++n}`;
    await addConsumer(h.ctx.db, { id, name: '后获授权', methods: ['getRKZP'] });
    expect(await accessForLookup(h.ctx.db, id, 'getRKZP')).toEqual({ ok: false, reason: '未获授权调用 getRKZP' });
    await createGrant(other, { consumer_id: id, resource_code: PEOPLE, application_id: null, items: ['XM'], masked_items: ['XM'], expires_at: null });
    expect(await accessForLookup(h.ctx.db, id, 'getRKZP')).toEqual({ ok: true, access: { method: 'getRKZP', items: ['XM'], masked: ['XM'] } });
  });

  it('a grant’s expiry ends the decision without any change', async () => {
    const now = Date.now();
    const { id } = await grantedConsumer(now + 1000);
    expect((await accessForLookup(h.ctx.db, id, 'getRKZP', now)).ok).toBe(true);
    expect((await accessForLookup(h.ctx.db, id, 'getRKZP', now + 999)).ok).toBe(true);
    expect(await accessForLookup(h.ctx.db, id, 'getRKZP', now + 1000)).toEqual({ ok: false, reason: '未获授权调用 getRKZP' });
  });

  it('keeps a decision per consumer and per method: another consumer or method never gets it', async () => {
    const { id } = await grantedConsumer();
    const stranger = `cache${++n}`;
    await addConsumer(h.ctx.db, { id: stranger, name: '未获授权', methods: ['getRKZP'] });
    expect((await accessForLookup(h.ctx.db, id, 'getRKZP')).ok).toBe(true); // warm
    expect(await accessForLookup(h.ctx.db, stranger, 'getRKZP')).toEqual({ ok: false, reason: '未获授权调用 getRKZP' });
    expect(await accessForLookup(h.ctx.db, id, 'getFRXX')).toEqual({ ok: false, reason: '未获授权调用 getFRXX' });
    expect((await accessForLookup(h.ctx.db, id, 'getRKZP')).ok).toBe(true);
  });

  it('holds the decisions of several consumers at once', async () => {
    const a = await grantedConsumer();
    const b = await grantedConsumer();
    const decide = jest.spyOn(access, 'decideAccess');
    for (const id of [a.id, b.id, a.id, b.id]) expect((await accessForLookup(h.ctx.db, id, 'getRKZP')).ok).toBe(true);
    expect(decide).toHaveBeenCalledTimes(2);
  });

  it('ends a decision after a minute even when the version did not move (a change made with plain SQL)', async () => {
    const { id, grant } = await grantedConsumer();
    const now = Date.now();
    expect((await accessForLookup(h.ctx.db, id, 'getRKZP', now)).ok).toBe(true);
    await other('grants').where({ id: grant }).update({ revoked_at: now - 1 }); // no version raised
    expect((await accessForLookup(h.ctx.db, id, 'getRKZP', now + 59_999)).ok).toBe(true);
    expect((await accessForLookup(h.ctx.db, id, 'getRKZP', now + 60_000)).ok).toBe(false);
  });

  it('with two grants, the decision ends at the first one’s expiry', async () => {
    const now = Date.now();
    const id = `cache${++n}`;
    await addConsumer(h.ctx.db, { id, name: '两份授权', methods: ['getRKZP'] });
    await createGrant(h.ctx.db, { consumer_id: id, resource_code: PEOPLE, application_id: null, items: ['XM'], masked_items: [], expires_at: null });
    await createGrant(h.ctx.db, { consumer_id: id, resource_code: PEOPLE, application_id: null, items: ['GMSFZH'], masked_items: [], expires_at: now + 1000 });
    const items = async (at: number) => {
      const r = await accessForLookup(h.ctx.db, id, 'getRKZP', at);
      return r.ok ? [...r.access.items].sort() : r;
    };
    expect(await items(now)).toEqual(['GMSFZH', 'XM']);
    expect(await items(now + 999)).toEqual(['GMSFZH', 'XM']);
    expect(await items(now + 1000)).toEqual(['XM']);
  });

  it('does not keep a decision read before a change that a later call has already seen', async () => {
    const { id, grant } = await grantedConsumer();
    const real = access.decideAccess;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let decidedSlow = false;
    jest.spyOn(access, 'decideAccess').mockImplementation(async (...args) => {
      const d = await real(...args);
      if (!decidedSlow) {
        decidedSlow = true; // the first call has its decision (granted) and stalls before keeping it
        await gate;
      }
      return d;
    });
    const slow = accessForLookup(h.ctx.db, id, 'getRKZP');
    for (let i = 0; !decidedSlow && i < 200; i++) await new Promise((r) => setTimeout(r, 5));
    expect(decidedSlow).toBe(true);
    await revokeGrant(other, OPERATOR, grant);
    expect((await accessForLookup(h.ctx.db, id, 'getRKZP')).ok).toBe(false); // reads the new version
    release();
    expect((await slow).ok).toBe(true); // it began before the revocation
    expect((await accessForLookup(h.ctx.db, id, 'getRKZP')).ok).toBe(false); // its decision was not kept
  });

  it('a new process keeps decisions from the first version it reads, 0 included', async () => {
    const { id } = await grantedConsumer();
    const before = await version(h.ctx.db);
    await h.ctx.db.raw('update `access_version` set `version` = 0 where `id` = 1');
    const d = h.ctx.database;
    const fresh = target === 'mysql' ? openKnex({ client: 'mysql', url: d.url, poolMax: 2 }) : openKnex({ client: 'sqlite', sqliteFile: d.url });
    try {
      const decide = jest.spyOn(access, 'decideAccess');
      expect((await accessForLookup(fresh, id, 'getRKZP')).ok).toBe(true);
      expect((await accessForLookup(fresh, id, 'getRKZP')).ok).toBe(true);
      expect(decide).toHaveBeenCalledTimes(1);
    } finally {
      await fresh.destroy();
      // forwards again, past every version the other handles have read
      await h.ctx.db.raw('update `access_version` set `version` = ? where `id` = 1', [before + 1]);
    }
  });

  it('a change made inside a caller’s transaction raises the version with it, or neither happens', async () => {
    const before = await version(h.ctx.db);
    const id = `cache${++n}`;
    await expect(
      h.ctx.db.transaction(async (trx) => {
        await addConsumer(trx as unknown as Db, { id, name: '回滚', methods: ['getRKZP'] });
        throw new Error('the caller fails after the change');
      }),
    ).rejects.toThrow('the caller fails');
    expect(await h.ctx.db('consumers').where({ id }).first()).toBeUndefined();
    expect(await version(h.ctx.db)).toBe(before);
    await h.ctx.db.transaction(async (trx) => {
      await addConsumer(trx as unknown as Db, { id, name: '提交', methods: ['getRKZP'] });
    });
    expect(await version(h.ctx.db)).toBe(before + 1);
  });

  // last: it retires the people resource the others are granted
  it('retiring the resource applies to the next call', async () => {
    const { id } = await grantedConsumer();
    expect((await accessForLookup(h.ctx.db, id, 'getRKZP')).ok).toBe(true);
    await retire(other, OPERATOR, PEOPLE, '测试停用');
    expect((await accessForLookup(h.ctx.db, id, 'getRKZP')).ok).toBe(false);
  });
});
