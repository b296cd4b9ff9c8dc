/**
 * Reads of one live row by a unique key, gathered into shared statements. Read one by one, a
 * statement costs more than the read itself: on MySQL a round trip (a packet written, a result
 * parsed, a pooled connection taken and given back; BENCHMARKS.md, "Round 6"), on SQLite in
 * WAL mode a read transaction of its own, its locks taken and released ("Round 10"). The keys
 * asked while the current callback and the promise continuations it set off run are sent as
 * one `in (…)` statement once they have all run (process.nextTick: after the microtasks).
 * Lookups ask for their row together — the continuations of the one access-version read they
 * shared (catalog/access-cache) — so under load one statement serves them, without waiting
 * for the turn of the event loop to end: that put a whole loop iteration, with the requests
 * newly arrived, between a lookup's access decision and its read ("Round 11").
 * Each read is still sent after it was asked, so it sees every change committed before.
 */
import type { Db } from '../../core/db';
import { selectRows } from '../../core/dialect';

type Row = Record<string, unknown>;

interface Waiter {
  resolve(row: Row | null): void;
  reject(err: unknown): void;
}

/** At most this many keys per statement; fewer are padded to a power of two (few statements to prepare). */
export const MAX_KEYS_PER_STATEMENT = 64;

function roundedUp(n: number): number {
  let size = 1;
  while (size < n) size *= 2;
  return size;
}

export class GatheredKeyReads {
  private waiting = new Map<string, Waiter[]>();
  private readonly statements = new Map<number, string>();

  /** `select` lists the columns read; `column` is the unique key, compared exactly (see exactly()). */
  constructor(
    private readonly db: Db,
    private readonly table: string,
    private readonly column: string,
    private readonly select: readonly string[],
  ) {}

  /** The live row whose key equals `key` exactly, or null. */
  read(key: string): Promise<Row | null> {
    return new Promise<Row | null>((resolve, reject) => {
      // Stryker disable next-line ConditionalExpression: a send per read would find the keys taken by the first: more callbacks, the same statements
      if (this.waiting.size === 0) process.nextTick(() => this.send());
      const waiters = this.waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.waiting.set(key, [{ resolve, reject }]);
    });
  }

  private statement(size: number): string {
    let sql = this.statements.get(size);
    // Stryker disable next-line ConditionalExpression: writing the same text again changes only the cost
    if (!sql) {
      const marks = new Array<string>(size).fill('?').join(', ');
      sql = `select ${this.select.join(', ')} from \`${this.table}\` where \`${this.column}\` in (${marks}) and \`deleted\` = 0`;
      this.statements.set(size, sql);
    }
    return sql;
  }

  private send(): void {
    const asked = this.waiting;
    this.waiting = new Map();
    const keys = [...asked.keys()];
    for (let i = 0; i < keys.length; i += MAX_KEYS_PER_STATEMENT) {
      const chunk = keys.slice(i, i + MAX_KEYS_PER_STATEMENT);
      const size = roundedUp(chunk.length);
      const bindings = chunk.concat(new Array<string>(size - chunk.length).fill(chunk[0]));
      selectRows<Row>(this.db, this.statement(size), bindings).then(
        (rows) => {
          // a case-blind collation may return a row for a key that differs in case: equality decides
          const byKey = new Map<unknown, Row>(rows.map((row) => [row[this.column], row]));
          for (const key of chunk) for (const w of asked.get(key)!) w.resolve(byKey.get(key) ?? null);
        },
        (err: unknown) => {
          for (const key of chunk) for (const w of asked.get(key)!) w.reject(err);
        },
      );
    }
  }
}
