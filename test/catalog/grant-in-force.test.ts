/**
 * "A grant in force" is one rule (GRANT_IN_FORCE_SQL): the lookups' resolveAccess, the
 * listings (activeGrants, grantsInForce) and allowedMethods agree on every kind of grant,
 * including one that expires at this very millisecond.
 */
import { resolveAccess } from '../../catalog/access';
import { addConsumer } from '../../catalog/consumers';
import { activeGrants, createGrant, grantsInForce } from '../../catalog/grants';
import { allowedMethods } from '../../catalog/metaservices';
import { seedCatalogue } from '../../catalog/seed';
import { STORAGE_TARGETS } from '../support/databases';
import { testContext, TestContext } from '../support/context';

const POPULATION = '101001/00001';
const NOW = Date.UTC(2026, 10, 30, 7, 0, 0);

describe.each(STORAGE_TARGETS)('a grant in force on %s', (target) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await testContext(target);
    await seedCatalogue(ctx.db);
  });
  afterAll(() => ctx.dispose());

  it.each([
    ['no expiry', null, null, true],
    ['expires later', NOW + 1, null, true],
    ['expires now', NOW, null, false],
    ['expired', NOW - 1, null, false],
    ['revoked', null, NOW - 1, false],
  ] as const)('%s', async (name, expiresAt, revokedAt, inForce) => {
    const consumer = `in-force-${name.replace(/ /g, '-')}`;
    await addConsumer(ctx.db, { id: consumer, name, methods: [] });
    const id = await createGrant(ctx.db, { consumer_id: consumer, resource_code: POPULATION, application_id: null, items: ['XM'], masked_items: [], expires_at: expiresAt });
    if (revokedAt !== null) await ctx.db('grants').where({ id }).update({ revoked_at: revokedAt });
    const seen = {
      resolveAccess: (await resolveAccess(ctx.db, consumer, 'getRKZP', NOW)).ok,
      activeGrants: (await activeGrants(ctx.db, consumer, POPULATION, NOW)).length === 1,
      grantsInForce: (await grantsInForce(ctx.db, NOW)).some((g) => g.id === id),
      allowedMethods: (await allowedMethods(ctx.db, consumer, NOW)).some((m) => m.method === 'getRKZP'),
    };
    expect(seen).toEqual({ resolveAccess: inForce, activeGrants: inForce, grantsInForce: inForce, allowedMethods: inForce });
  });
});
