/** Builds a process's AppContext from its configuration, and tears it down. */
import { Config } from '../../core/config';
import type { AppContext } from '../../gateway/context';
import { createLogger, errorFields } from '../../core/logger';
import { openDatabase, Db } from '../../core/db';
import { AuditWriter } from '../../gateway/auditing/writer';
import { RateLimiter } from '../../gateway/rate-limit';
import type { Logger } from '../../core/logger';
import { auditChainKey } from '../../gateway/auditing/chain';

/** The services every context holds, over a database someone else opened. */
export function contextOver(config: Config, db: Db, log: Logger): AppContext {
  const audit = new AuditWriter(db, auditChainKey(config.auditKey), undefined, (err) => log.warn(errorFields(err), 'audit key block not built (built with the next)'));
  return { config, db, log, audit, rateLimiter: new RateLimiter(db, config.rateLimit) };
}

export function createContext(config: Config): AppContext {
  return contextOver(config, openDatabase(config), createLogger(config.logLevel));
}

/** Flushes what is pending (audit rows, rate counters) before the database closes. */
export async function destroyContext(ctx: AppContext): Promise<void> {
  await ctx.audit.close().catch(() => undefined);
  await ctx.rateLimiter.close();
  await ctx.db.destroy();
}
