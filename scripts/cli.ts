#!/usr/bin/env node
/**
 * The `dprs` command line. Each command lives in scripts/commands/ and loads the configuration
 * itself; a configuration error names the variable and exits 2 before anything starts.
 */
import { Command } from 'commander';
import { describeDbError } from '../core/db-errors';
import { registerStartCommand } from './commands/start';
import { registerServeCommand } from './commands/serve';
import { registerMigrateCommand } from './commands/migrate';
import { registerDemoCommand } from './commands/demo';
import { registerAuditCommands } from './commands/audit';
import { registerConsumerCommands } from './commands/consumer';
import { registerTokenCommand } from './commands/token';
import { registerCatalogCommand } from './commands/catalog';
import { registerSyncCommands } from './commands/sync';
import { registerBenchCommand } from './commands/bench';
import { registerUserCommands } from './commands/user';
import { registerVerifyCommands } from './commands/verify';
import { registerMattersCommand } from './commands/matters';

const program = new Command();
// positional options: `dprs demo touch --people 5` gives --people to touch, not to demo
program.name('dprs').description('周村区信息共享交换网关 dprs').showHelpAfterError().enablePositionalOptions();

registerStartCommand(program);
registerServeCommand(program);
registerMigrateCommand(program);
registerDemoCommand(program);
registerAuditCommands(program);
registerConsumerCommands(program);
registerTokenCommand(program);
registerCatalogCommand(program);
registerSyncCommands(program);
registerBenchCommand(program);
registerUserCommands(program);
registerVerifyCommands(program);
registerMattersCommand(program);

// `dprs sync status | head`: a closed pipe ends the output, not with a stack trace
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

program.parseAsync(process.argv).catch((err: unknown) => {
  // driver errors can quote whole statements: keep the message short and free of data
  const msg = describeDbError(err) ?? (err instanceof Error ? err.message : String(err));
  process.stderr.write(`dprs: ${msg.length > 300 ? msg.slice(0, 300) + '…' : msg}\n`);
  process.exit(1);
});
