/** What every command needs: the configuration (exit 2 on error) and a context. */
import { InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, Config } from '../../core/config';
import { createContext, destroyContext } from '../app/context';
import type { AppContext } from '../../gateway/context';
import { migrate } from '../app/migrations';

export function config(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/**
 * Serves until SIGTERM or SIGINT. The web stack (express, helmet, node-soap and what they load)
 * is required here, by the commands that serve, and not when the command line starts: every
 * other command — a sync run above all, whose peak RSS is a benchmark goal — runs without it.
 */
export async function serveUntilSignal(ctx: AppContext, banner?: (port: number) => string): Promise<void> {
  const run = await import('../app/run');
  await run.serveUntilSignal(ctx, banner);
}

export function positiveInt(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('必须是非负整数');
  return Number(v);
}

export async function withContext<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = createContext(config());
  try {
    return await fn(ctx);
  } finally {
    await destroyContext(ctx);
  }
}

/** withContext on a database brought to the latest schema first. */
export function withMigratedContext<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  return withContext(async (ctx) => {
    await migrate(ctx.db);
    return fn(ctx);
  });
}
