import { STORAGE_TARGETS } from '../support/databases';
import { catalogHarness, CatalogHarness, sampleRegistration } from '../support/catalog';
import { exportRegistrations, importRegistrations } from '../../catalog/transfer';
import { ValidationFailed } from '../../catalog/validation';

describe.each(STORAGE_TARGETS)('catalogue import and export on %s', (target) => {
  let h: CatalogHarness;
  const operator = { role: 'operator' as const, sub: 'cli' };
  beforeAll(async () => {
    h = await catalogHarness(target);
  });
  afterAll(() => h.close());

  it('rejects a file with any invalid registration, storing nothing, errors pointing into the file', async () => {
    const file = { resources: [sampleRegistration(), { ...sampleRegistration({ code: '301010/00002' }), format: 'PDF' }] };
    const err = await importRegistrations(h.ctx.db, operator, file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationFailed);
    expect((err as ValidationFailed).errors.map((e) => e.field)).toEqual(['1.format']);
    expect(await h.ctx.db('resources').where('code', 'like', '301010/%').first()).toBeUndefined();
  });

  it('imports, publishes, exports, and re-imports an export without new versions', async () => {
    const report = await importRegistrations(h.ctx.db, operator, [sampleRegistration()], { publish: true });
    expect(report).toMatchObject({ registered: ['301010/00001'], published: ['301010/00001'] });
    const exported = await exportRegistrations(h.ctx.db);
    expect(exported.map((r) => r.code)).toEqual(['101001/00001', '102001/00001', '105001/00001', '301010/00001']);
    const again = await importRegistrations(h.ctx.db, operator, exported);
    expect(again.unchanged).toHaveLength(4);
    const changed = await importRegistrations(h.ctx.db, operator, [sampleRegistration({ update_cycle: '每月' })]);
    expect(changed.revised).toEqual(['301010/00001']);
    expect((await h.ctx.db('resources').where({ code: '301010/00001' })).length).toBe(2);
  });

  it('a department imports only its own resources', async () => {
    const err = await importRegistrations(h.ctx.db, { role: 'department', sub: 'x', dept: 'ZC008' }, [sampleRegistration({ code: '301010/00003', share_mode: '库表', interfaces: [] })]).catch((e: unknown) => e);
    expect((err as ValidationFailed).errors).toEqual([{ field: '0.provider_code', reason: '只能导入本部门（ZC008）的资源' }]);
  });
});
