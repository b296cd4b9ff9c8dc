/** token issue: prints a bearer token for a registered consumer (default: the demo consumer). */
import type { Command } from 'commander';
import { findConsumer } from '../../catalog/consumers';
import { issueToken } from '../../gateway/auth/tokens';
import { DEMO_CONSUMER_ID } from '../demo';
import { withContext } from './common';

export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description('access tokens for lookups');
  token
    .command('issue')
    .description('print a token for a consumer (only the token, for scripts)')
    .option('--consumer <id>', 'consumer id', DEMO_CONSUMER_ID)
    .action(async (opts: { consumer: string }) => {
      await withContext(async (ctx) => {
        const consumer = await findConsumer(ctx.db, opts.consumer);
        if (!consumer) throw new Error(`调用方 ${opts.consumer} 不存在（先运行 dprs start 或 dprs demo）`);
        if (consumer.disabled) throw new Error(`调用方 ${opts.consumer} 已停用`);
        process.stdout.write(issueToken(ctx.config, consumer.id, consumer.methods).access_token + '\n');
      });
    });
}
