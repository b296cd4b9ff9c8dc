/**
 * The base-library repository on each database: template field order, soft-deleted rows never
 * returned, money as a number, the cap on multi-row answers, batch names by number.
 */
import * as dialect from '../../../core/dialect';
import { BaseLibraries, MAX_ROWS } from '../../../gateway/lookups/repository';
import { itemFields } from '../../../core/registry';
import { freshDatabase, STORAGE_TARGETS, TestDatabase } from '../../support/databases';
import { entity, person } from '../../../scripts/demo/records';

const book = (deleted = false) => ({ synced_at: 1, deleted, deleted_at: deleted ? 1 : null });

describe.each(STORAGE_TARGETS)('base-library repository on %s', (target) => {
  let t: TestDatabase;
  let repo: BaseLibraries;
  const alive = person(3, 0);
  const gone = person(3, 1);
  const firm = entity(3, 0);

  beforeAll(async () => {
    t = await freshDatabase(target);
    repo = new BaseLibraries(t.db);
    const row = (p: typeof alive, deleted = false) => ({ ...Object.fromEntries(Object.entries(p).filter(([k]) => itemFields('population').includes(k)).map(([k, v]) => [k.toLowerCase(), v])), ...book(deleted) });
    await t.db('population').insert([row(alive), row(gone, true)]);
    await t.db('legal_entity').insert({ tyshxydm: firm.TYSHXYDM, jgmc: '同名公司', zczb: 5000000000000, ...book() });
    await t.db('legal_entity').insert(Array.from({ length: MAX_ROWS + 5 }, (_, i) => ({ tyshxydm: `T${String(i).padStart(17, '0')}`, jgmc: '重名', ...book() })));
  });
  afterAll(() => t.drop());

  test('a person comes back in the template\'s field order; a soft-deleted one does not', async () => {
    const p = await repo.personById(alive.GMSFZH);
    expect(Object.keys(p!)).toEqual(itemFields('population'));
    expect(p!.XM).toBe(alive.XM);
    expect(await repo.personById(gone.GMSFZH)).toBeNull();
  });

  test('people asked for together are read by one statement, each answer its own', async () => {
    const read = jest.spyOn(dialect, 'selectRows');
    try {
      const [a, g, nobody] = await Promise.all([repo.personById(alive.GMSFZH), repo.personById(gone.GMSFZH), repo.personById('110101199003070000')]);
      expect([a?.XM, g, nobody]).toEqual([alive.XM, null, null]);
      expect(read).toHaveBeenCalledTimes(1);
    } finally {
      read.mockRestore();
    }
  });

  test('names by number for a batch skip deleted people and unknown numbers', async () => {
    const names = await repo.namesByIds([alive.GMSFZH, gone.GMSFZH, '110101199003070000', alive.GMSFZH]);
    expect([...names]).toEqual([[alive.GMSFZH, alive.XM]]);
  });

  test('names by number for a batch of more numbers than one query takes (500): every chunk is asked', async () => {
    const unknown = Array.from({ length: 1100 }, (_, i) => `1101011990030${String(i).padStart(5, '0')}`);
    const ids = [...unknown.slice(0, 499), alive.GMSFZH, ...unknown.slice(499, 999), alive.GMSFZH, ...unknown.slice(999)];
    expect([...(await repo.namesByIds(ids))]).toEqual([[alive.GMSFZH, alive.XM]]);
    // the person as the 501st and as the 1,001st distinct number
    for (const at of [500, 1000]) expect([...(await repo.namesByIds([...unknown.slice(0, at), alive.GMSFZH]))]).toEqual([[alive.GMSFZH, alive.XM]]);
  });

  test('registered capital is a number; a name shared by many answers at most MAX_ROWS rows, ordered by code', async () => {
    expect((await repo.entityByCreditCode(firm.TYSHXYDM))!.ZCZB).toBe(5000000000000);
    const many = await repo.entitiesByName('重名');
    expect(many).toHaveLength(MAX_ROWS);
    expect(many.map((e) => e.TYSHXYDM)).toEqual([...many.map((e) => e.TYSHXYDM)].sort());
    expect(Object.keys(many[0])).toEqual(itemFields('legal_entity'));
    // each row read back in full, under its template name
    expect(many[0]).toMatchObject({ TYSHXYDM: 'T00000000000000000', JGMC: '重名' });
    expect(many.every((e) => e.JGMC === '重名' && /^T\d{17}$/.test(e.TYSHXYDM))).toBe(true);
  });
});
