/** Builds a process's AppContext from its configuration, and tears it down. */
import { Config } from './config';
import type { AppContext } from './context';
import { createLogger } from './logger';
import { openDatabase } from './store/db';

export function createContext(config: Config): AppContext {
  return { config, db: openDatabase(config), log: createLogger(config.logLevel) };
}

export async function destroyContext(ctx: AppContext): Promise<void> {
  await ctx.db.destroy();
}
