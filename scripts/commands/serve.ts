/** serve: migrate and run the gateway until SIGTERM or SIGINT (the production entry point: no demo code). */
import type { Command } from 'commander';
import { serveUntilSignal, withMigratedContext } from './common';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('migrate to the latest schema and serve')
    .action(() => withMigratedContext((ctx) => serveUntilSignal(ctx)));
}
