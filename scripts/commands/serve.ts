/** serve: migrate and run the gateway until SIGTERM or SIGINT (the production entry point: no demo code). */
import type { Command } from 'commander';
import { migrate } from '../app/migrations';
import { createContext, destroyContext } from '../app/context';
import { serveUntilSignal } from '../app/run';
import { config } from './common';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('migrate to the latest schema and serve')
    .action(async () => {
      const ctx = createContext(config());
      try {
        await migrate(ctx.db);
        await serveUntilSignal(ctx);
      } finally {
        await destroyContext(ctx);
      }
    });
}
