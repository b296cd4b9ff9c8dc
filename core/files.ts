/**
 * What the gateway keeps on disk (DATA_DIR, the SQLite database and its WAL, generated
 * secrets, the demo data) is private to the account it runs as: directories 0700, files
 * 0600, whatever the umask. Any other local user could otherwise read the population library.
 */
import fs from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates the directory (and missing parents) private; an existing one is left as it is. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Creates the file empty and private if it does not exist (SQLite takes an empty file as a
 * new database, and makes its -wal and -shm files with the database file's mode).
 */
export function ensurePrivateFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
}

/** Narrows files of ours that an earlier version left readable by others. */
export function narrowIfOthersCanRead(file: string): void {
  try {
    if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, PRIVATE_FILE_MODE);
  } catch {
    // absent: nothing to narrow
  }
}
