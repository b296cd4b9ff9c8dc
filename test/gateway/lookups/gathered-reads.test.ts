/**
 * Gathered key reads (gateway/lookups/gathered-reads.ts), on each database: the keys asked
 * together (in one callback and the continuations it sets off) share a statement, sent before
 * the turn of the event loop ends, each read gets exactly its own live row, a
 * statement carries at most MAX_KEYS_PER_STATEMENT keys, a failed statement fails the reads it
 * carried and no others, and every read sees what was committed before it was asked.
 */
import * as dialect from '../../../core/dialect';
import { GatheredKeyReads, MAX_KEYS_PER_STATEMENT } from '../../../gateway/lookups/gathered-reads';
import { freshDatabase, STORAGE_TARGETS, TestDatabase } from '../../support/databases';
import { fullScans } from '../../support/query-plans';

const row = (gmsfzh: string, xm: string, deleted = false) => ({
  rybh: 'RY' + gmsfzh, gmsfzh, xm, synced_at: 1, deleted, deleted_at: deleted ? 1 : null, source_job: 'test',
});

/** A number of 18 characters, distinct per n. */
const number = (n: number) => `3703061990${String(n).padStart(7, '0')}X`;

describe.each(STORAGE_TARGETS)('gathered key reads on %s', (target) => {
  let t: TestDatabase;
  let reads: GatheredKeyReads;
  const statements = () => (dialect.selectRows as jest.Mock).mock.calls.map((call) => call[2] as string[]);

  beforeAll(async () => {
    t = await freshDatabase(target);
    await t.db('population').insert([row(number(1), '张三'), row(number(2), '李四'), row(number(3), '王五', true)]);
    await t.db('population').insert(Array.from({ length: 100 }, (_, i) => row(number(100 + i), `甲${i}`)));
  });
  beforeEach(() => {
    reads = new GatheredKeyReads(t.db, 'population', 'gmsfzh', ['gmsfzh', 'xm']);
    jest.spyOn(dialect, 'selectRows');
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => t.drop());

  const name = async (read: Promise<Record<string, unknown> | null>) => (await read)?.xm ?? null;

  it('keys asked together share one statement, and each read gets exactly its own live row', async () => {
    const answers = await Promise.all([
      name(reads.read(number(1))),
      name(reads.read(number(2))),
      name(reads.read(number(1))), // the same key twice
      name(reads.read(number(1).toLowerCase())), // differs in case only: no match, whatever the collation
      name(reads.read(number(3))), // soft-deleted
      name(reads.read(number(4))), // unknown
    ]);
    expect(answers).toEqual(['张三', '李四', '张三', null, null, null]);
    expect(statements()).toHaveLength(1);
    // five distinct keys, padded to eight with the first
    expect(statements()[0]).toEqual([number(1), number(2), number(1).toLowerCase(), number(3), number(4), number(1), number(1), number(1)]);
  });

  it('keys asked by the continuations of one settled read share one statement, sent before the turn ends', async () => {
    // how many statements had been sent when this turn of the event loop ended (the spy kept:
    // should the test end first, the immediate must not find the original function)
    const spy = dialect.selectRows as jest.Mock;
    const sentWhenTurnEnded = new Promise<number>((resolve) => setImmediate(() => resolve(spy.mock.calls.length)));
    // lookups go on from the access-version read they shared, each through awaits of its own
    const shared = Promise.resolve();
    const answers = await Promise.all([
      shared.then(() => name(reads.read(number(1)))),
      shared.then(async () => {
        await null;
        await null;
        return name(reads.read(number(2)));
      }),
    ]);
    expect(answers).toEqual(['张三', '李四']);
    expect(statements()).toEqual([[number(1), number(2)]]);
    // sent without waiting for the loop iteration to end (and the requests it would take in)
    expect(await sentWhenTurnEnded).toBe(1);
  });

  it('a statement finds its rows by the key\'s index, not by reading the library through', async () => {
    await Promise.all([reads.read(number(1)), reads.read(number(2)), reads.read(number(3))]);
    const [[, sql, bindings]] = (dialect.selectRows as jest.Mock).mock.calls as [[unknown, string, string[]]];
    expect(bindings).toHaveLength(4); // padded to a power of two
    expect(await fullScans(t.db, target, sql, bindings)).toEqual([]);
  });

  it('a read asked after the statement was sent goes in a statement of its own', async () => {
    expect(await name(reads.read(number(1)))).toBe('张三');
    expect(await name(reads.read(number(2)))).toBe('李四');
    expect(statements()).toEqual([[number(1)], [number(2)]]);
  });

  it(`a statement carries at most ${MAX_KEYS_PER_STATEMENT} keys; every read is answered`, async () => {
    const keys = Array.from({ length: MAX_KEYS_PER_STATEMENT + 6 }, (_, i) => number(100 + i));
    const answers = await Promise.all(keys.map((k) => name(reads.read(k))));
    expect(answers).toEqual(keys.map((_, i) => `甲${i}`));
    expect(statements().map((b) => b.length)).toEqual([MAX_KEYS_PER_STATEMENT, 8]);
    expect(new Set(statements().flat())).toEqual(new Set(keys));
    // exactly as many as one statement carries: one statement
    (dialect.selectRows as jest.Mock).mockClear();
    await Promise.all(keys.slice(0, MAX_KEYS_PER_STATEMENT).map((k) => reads.read(k)));
    expect(statements().map((b) => b.length)).toEqual([MAX_KEYS_PER_STATEMENT]);
  });

  it('a failed statement fails the reads it carried, and the next read is sent again', async () => {
    (dialect.selectRows as jest.Mock).mockImplementationOnce(() => Promise.reject(new Error('connection lost')));
    const failed = [reads.read(number(1)), reads.read(number(2))];
    await expect(failed[0]).rejects.toThrow('connection lost');
    await expect(failed[1]).rejects.toThrow('connection lost');
    expect(await name(reads.read(number(2)))).toBe('李四');
  });

  it('a read sees every change committed before it was asked', async () => {
    await t.db('population').insert(row(number(5), '赵六'));
    expect(await name(reads.read(number(5)))).toBe('赵六');
    await t.db('population').where({ gmsfzh: number(5) }).update({ deleted: true, deleted_at: 2 });
    expect(await name(reads.read(number(5)))).toBeNull();
  });
});
