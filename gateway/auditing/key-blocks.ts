/**
 * "Who looked me up" without an index written by every lookup. An index on
 * audit_log.query_key_hash put each row's entry on a random leaf of a B-tree: a group commit
 * of 45 rows wrote ~45 index pages, half of the audit append's cost on SQLite
 * (BENCHMARKS.md, "Round 8"). Instead, once a block of the chain's ids is committed, one row
 * here holds the first PREFIX_BYTES of each of its rows' key hashes, packed in id order. A
 * search looks for the prefix in these blobs (a byte search, as for the batch lists), then
 * reads only the id ranges of the blocks that may hold it, and every range no block covers
 * (the newest rows; rows written before the blocks existed).
 *
 * The blocks are derived from the rows: built after the commit, not inside it; a block not
 * built (a crash, a failed build) only means its range is read whole; verifyChain compares
 * each block with its rows, so a block edited to hide a lookup is reported.
 */
import { setImmediate as turnEnded } from 'node:timers/promises';
import type { Db } from '../../core/db';
import { selectRows } from '../../core/dialect';

/**
 * ids per block: 8 kB of prefixes. A search reads every blob and then whole blocks: for 500,000
 * rows on MariaDB 30–50 ms with 1,024 (110–370 ms with 4,096); a build holds SQLite's event loop
 * under a millisecond.
 */
export const KEY_BLOCK_ROWS = 1024;
const PREFIX_BYTES = 8;

const HEX_PREFIX = new RegExp(`^[0-9a-f]{${PREFIX_BYTES * 2}}$`);

/**
 * The blob of one block: each row's key-hash prefix in id order. Rows without a key add
 * nothing; nor does a stored value that is no hash of ours (verifyChain reports its row),
 * so that it cannot cut the hex of the rows after it short.
 */
export function packedPrefixes(prefixes: ReadonlyArray<string | null>): Buffer {
  return Buffer.from(prefixes.map((p) => (p && HEX_PREFIX.test(p) ? p : '')).join(''), 'hex');
}

// portable SQL (see selectRows): read without knex, as the writer's commits are
export const BLOCK_PREFIXES = `select substr(\`query_key_hash\`, 1, ${PREFIX_BYTES * 2}) as \`prefix\` from \`audit_log\` where \`id\` between ? and ? order by \`id\``;

/**
 * Where building stands: the oldest and newest ids in the log — appends commit consecutive ids
 * one after another (under the chain's head lock), so every id up to the newest is committed —
 * and the last id of the newest block. Each value is its own subquery, found by a primary key:
 * SQLite answers `min(id), max(id)` in one select by scanning the whole log (a full scan each
 * 1,024 lookups, growing with the log).
 */
async function buildState(db: Db): Promise<{ oldest: number | string | null; newest: number | string | null; lastBlocked: number | string | null }> {
  return db
    .select({
      oldest: db('audit_log').min('id'),
      newest: db('audit_log').max('id'),
      lastBlocked: db('audit_key_blocks').select('last_id').where('first_id', db('audit_key_blocks').max('first_id')),
    })
    .first();
}

async function rowsOfBlock(db: Db, firstId: number, lastId: number): Promise<Buffer> {
  const rows = await selectRows<{ prefix: string | null }>(db, BLOCK_PREFIXES, [firstId, lastId]);
  return packedPrefixes(rows.map((r) => r.prefix));
}

/**
 * Builds the blocks whose ids are all committed and that have none yet, oldest first, at most
 * `maxBlocks` (the rest at the next call). Blocks are aligned (ids k·rows+1 … (k+1)·rows), so
 * processes building at once write the same block and the second insert is ignored.
 */
export async function buildKeyBlocks(db: Db, opts: { rows?: number; maxBlocks?: number } = {}): Promise<number> {
  const size = opts.rows ?? KEY_BLOCK_ROWS;
  const log = await buildState(db);
  if (log.newest === null) return 0;
  // block k holds ids k·size+1 … (k+1)·size: the one after the newest, or with none the one
  // holding the oldest row kept
  let block = log.lastBlocked === null ? Math.floor((Number(log.oldest) - 1) / size) : Math.floor(Number(log.lastBlocked) / size);
  let built = 0;
  for (; built < (opts.maxBlocks ?? 16) && (block + 1) * size <= Number(log.newest); block++, built++) {
    const firstId = block * size + 1;
    const lastId = (block + 1) * size;
    const prefixes = await rowsOfBlock(db, firstId, lastId);
    await db('audit_key_blocks').insert({ first_id: firstId, last_id: lastId, prefixes }).onConflict('first_id').ignore();
    // on SQLite each statement runs on the event loop: lookups go first between blocks (an
    // existing log's backlog is hundreds of them)
    await turnEnded();
  }
  return built;
}

/** An id range to read, `to` null for "and every later id". */
export type IdRange = { from: number; to: number | null };

/**
 * The id ranges that may hold rows with this key hash: the blocks whose blob has its prefix
 * and every range no block covers. Never empty: the range after the newest block is always
 * read.
 */
export async function rangesToSearch(db: Db, keyHash: string): Promise<IdRange[]> {
  const prefix = Buffer.from(keyHash.slice(0, PREFIX_BYTES * 2), 'hex');
  const blocks = (await db('audit_key_blocks')
    .orderBy('first_id')
    .select('first_id', 'last_id', db.raw('instr(prefixes, ?) as at', [prefix]))) as Array<{ first_id: number; last_id: number; at: number | string }>;
  const ranges: IdRange[] = [];
  const add = (from: number, to: number) => {
    const last = ranges[ranges.length - 1];
    if (last && last.to === from - 1) last.to = to;
    else ranges.push({ from, to });
  };
  let next = 1;
  for (const b of blocks) {
    const first = Number(b.first_id);
    const last = Number(b.last_id);
    if (first > next) add(next, first - 1);
    // a match at an unaligned offset only costs reading the block
    if (Number(b.at) > 0) add(first, last);
    next = Math.max(next, last + 1);
  }
  ranges.push({ from: next, to: null });
  return ranges;
}

/** Blocks (not reached by pruning) whose blob no longer matches their rows. */
export async function alteredKeyBlocks(db: Db, anchorId: number): Promise<Array<{ firstId: number; lastId: number }>> {
  const blocks = (await db('audit_key_blocks').where('first_id', '>', anchorId).orderBy('first_id').select('first_id', 'last_id')) as Array<{ first_id: number; last_id: number }>;
  const altered: Array<{ firstId: number; lastId: number }> = [];
  for (const b of blocks) {
    const firstId = Number(b.first_id);
    const lastId = Number(b.last_id);
    const stored = (await db('audit_key_blocks').where({ first_id: firstId }).first('prefixes')) as { prefixes: Buffer };
    if (!Buffer.from(stored.prefixes).equals(await rowsOfBlock(db, firstId, lastId))) altered.push({ firstId, lastId });
  }
  return altered;
}

/** Whether a commit of the ids firstId … lastId wrote the last id of a block. */
export function completesBlock(firstId: number, lastId: number): boolean {
  return Math.floor(lastId / KEY_BLOCK_ROWS) > Math.floor((firstId - 1) / KEY_BLOCK_ROWS);
}

/**
 * Builds what is pending after the process's first commit (an existing log's blocks, those a
 * crash left unbuilt) and after each commit that completes a block, one build at a time;
 * `settled` waits for it, `stop` ends it early (before the database closes). A failed build is
 * reported through `onError` and done again by the next.
 */
export class KeyBlockBuilder {
  private building: Promise<void> | null = null;
  private started = false;
  private stopping = false;

  constructor(
    private readonly db: Db,
    private readonly onError: (err: unknown) => void,
  ) {}

  committed(firstId: number, lastId: number): void {
    if (this.building || (this.started && !completesBlock(firstId, lastId))) return;
    this.started = true;
    this.building = this.buildPending()
      .catch(this.onError)
      .finally(() => (this.building = null));
  }

  private async buildPending(): Promise<void> {
    // Stryker disable next-line ConditionalExpression: one call builds up to 16 blocks, the tests' logs fewer
    while (!this.stopping && (await buildKeyBlocks(this.db)) > 0);
  }

  async settled(): Promise<void> {
    await this.building;
  }

  /** Builds nothing more once the current call's blocks (≤ 16) are written: an existing log's backlog is left for the next process. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.building;
  }
}
