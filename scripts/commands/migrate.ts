import type { Command } from 'commander';
import { migrate, rollbackAll } from '../app/migrations';
import { withContext } from './common';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending migrations (or roll all back)')
    .option('--rollback', 'roll back every migration')
    .action(async (opts: { rollback?: boolean }) => {
      await withContext(async (ctx) => {
        if (opts.rollback) {
          await rollbackAll(ctx.db);
          process.stdout.write('rolled back\n');
        } else {
          const applied = await migrate(ctx.db);
          process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'already up to date\n');
        }
      });
    });
}
