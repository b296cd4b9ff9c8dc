/**
 * Leases in the gateway database: with several gateway processes on one MariaDB, the one
 * holding `sync:<job>` runs the job. Acquire = insert, or take over a row that expired (or
 * whose holder died on this very host); renew while running; release at the end. Lease times
 * come from the database's clock, not this host's: gateways on several hosts compare expiry
 * against one clock, so a skewed host cannot steal a live lease.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import type { Knex } from 'knex';
import { databaseNowMs } from '../../core/dialect';
import { isUniqueViolation } from '../../core/db-errors';

export const DEFAULT_LEASE_MS = 60000;

export function newHolder(): string {
  return `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A holder on this host whose process is gone cannot renew: no need to wait for expiry. */
function holderIsDeadHere(holder: string): boolean {
  const [host, pid] = holder.split(':');
  return host === os.hostname() && /^\d+$/.test(pid) && Number(pid) !== process.pid && !pidAlive(Number(pid));
}

export async function acquireLease(db: Knex, name: string, holder: string, ttlMs = DEFAULT_LEASE_MS): Promise<boolean> {
  const now = await databaseNowMs(db);
  try {
    await db('leases').insert({ name, holder, expires_at: now + ttlMs, acquired_at: now });
    return true;
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
  const current = await db('leases').where({ name }).first();
  if (!current) return acquireLease(db, name, holder, ttlMs);
  const takeOver = current.holder === holder || Number(current.expires_at) < now || holderIsDeadHere(String(current.holder));
  if (!takeOver) return false;
  // conditional on the row we looked at: of two contenders only one update matches
  const n = await db('leases')
    .where({ name, holder: current.holder, expires_at: current.expires_at })
    .update({ holder, expires_at: now + ttlMs, acquired_at: now });
  return Number(n) === 1;
}

/** Extends the lease; false when it was lost (expired and taken over). */
export async function renewLease(db: Knex, name: string, holder: string, ttlMs = DEFAULT_LEASE_MS): Promise<boolean> {
  await db('leases').where({ name, holder }).update({ expires_at: (await databaseNowMs(db)) + ttlMs });
  const row = await db('leases').where({ name, holder }).first();
  return Boolean(row);
}

export async function releaseLease(db: Knex, name: string, holder: string): Promise<void> {
  await db('leases').where({ name, holder }).del();
}

export async function leaseHolder(db: Knex, name: string): Promise<{ holder: string; expiresAt: number } | null> {
  const row = await db('leases').where({ name }).first();
  return row ? { holder: String(row.holder), expiresAt: Number(row.expires_at) } : null;
}

/**
 * Replicas run the same cron schedules, so each tick fires on every one of them. The first
 * to claim the tick (job, mode, scheduled second) runs it and the others skip it: the lease
 * alone would let a quick run end before another replica's tick of the same second arrives,
 * and that replica would run the job again. The claim is a `tick:<key>` row in leases whose
 * acquired_at is the last claimed slot; the conditional update lets exactly one replica win.
 */
export async function claimTick(db: Knex, key: string, slotMs: number, holder: string): Promise<boolean> {
  const name = `tick:${key}`;
  try {
    await db('leases').insert({ name, holder, expires_at: slotMs, acquired_at: slotMs });
    return true;
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
  const n = await db('leases').where({ name }).where('acquired_at', '<', slotMs).update({ holder, acquired_at: slotMs, expires_at: slotMs });
  return Number(n) === 1;
}
