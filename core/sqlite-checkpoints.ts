/**
 * SQLite's WAL checkpoints off the event loop, for the serving process. By default the
 * connection whose commit takes the WAL past 1,000 pages copies them into the database file
 * and syncs it, there and then: on the gateway's one connection every request waited behind
 * it — about two fifths of the time an audit row held the event loop (`dprs bench audit`:
 * 58–60 µs per row against 34–37 with this worker). While serving, the
 * connection never checkpoints by itself; a worker thread with its own connection runs a
 * PASSIVE checkpoint every CHECKPOINT_MS, which copies what no reader still needs and never
 * waits for or blocks a reader or a writer. A commit is as durable as before (it is in the
 * WAL either way). If the worker fails, or when serving stops, the connection checkpoints by
 * itself again.
 */
import { Worker } from 'node:worker_threads';
import type { Db } from './db';
import type { Logger } from './logger';
import { errorFields } from './logger';
import { isSqlite, sqliteHandle } from './dialect';

export const CHECKPOINT_MS = 200;
/** SQLite's own default, restored when the worker stops */
const AUTOCHECKPOINT_PAGES = 1000;

// plain JavaScript: the worker runs it as it is, whatever compiled this module
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    if (err.code !== 'SQLITE_BUSY' && err.code !== 'SQLITE_LOCKED') throw err;
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** the connection checkpoints by itself again; resolves when the worker has closed its connection */
  stop(): Promise<void>;
}

const NOTHING_TO_STOP: Checkpointer = { stop: async () => undefined };

/** Starts checkpointing in a worker (a file-backed SQLite database only; otherwise nothing to do). */
export async function checkpointOffLoop(db: Db, log: Logger, everyMs = CHECKPOINT_MS): Promise<Checkpointer> {
  if (!isSqlite(db)) return NOTHING_TO_STOP;
  const conn = await sqliteHandle(db);
  if (conn.name === '' || conn.name === ':memory:') return NOTHING_TO_STOP;
  const worker = new Worker(WORKER, { eval: true, workerData: { file: conn.name, driver: require.resolve('better-sqlite3'), everyMs } });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const inline = () => {
    if (conn.open) conn.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  };
  worker.once('error', (err) => {
    log.error(errorFields(err), 'sqlite checkpoint worker failed: checkpoints back on the connection');
    inline();
  });
  conn.pragma('wal_autocheckpoint = 0');
  return {
    async stop() {
      inline();
      worker.postMessage('stop');
      await exited;
    },
  };
}
