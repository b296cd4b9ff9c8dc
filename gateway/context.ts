/**
 * The composition root's product: what every request handler and command needs, built once
 * per process. Tests build their own with a temporary database.
 */
import type { Config } from '../core/config';
import type { Db } from '../core/db';
import type { Logger } from '../core/logger';
import type { AuditWriter } from './auditing/writer';
import type { RateLimiter } from './rate-limit';

export interface AppContext {
  config: Config;
  db: Db;
  log: Logger;
  /** group-committing, hash-chaining audit writer of this process */
  audit: AuditWriter;
  /** per-consumer, per-method limits shared with the other processes through the database */
  rateLimiter: RateLimiter;
}
