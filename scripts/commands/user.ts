/** dprs user add | disable | enable | reset | list: workbench accounts (people, not systems). */
import type { Command } from 'commander';
import { ApiError } from '../../core/result-codes';
import { addAccount, listAccounts, resetAccount, ROLE_NAMES, ROLES, setAccountDisabled } from '../../gateway/accounts/accounts';
import { withContext } from './common';

/** Operators and auditors enrol their own authenticator at first sign-in: only the one-time password is handed over. */
function printCredentials(r: { account: { username: string }; password: string }): void {
  process.stdout.write(`username=${r.account.username}\none_time_password=${r.password}\n`);
}

/** A refused request is the user's mistake: its Chinese message and exit 2, no stack. */
async function run(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 2;
  }
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('workbench accounts: officer, operator, clerk, auditor');

  user
    .command('add <username>')
    .description('create an account; prints its one-time password once')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .option('--name <name>', 'display name, e.g. 张伟')
    .option('--department <code>', 'officer: the department, e.g. ZC005')
    .option('--consumer <id>', 'clerk: the consumer system, e.g. zc-yichuang')
    .action((username: string, opts: { role: string; name?: string; department?: string; consumer?: string }) =>
      run(async () => {
        const created = await withContext((ctx) => addAccount(ctx.db, { username, role: opts.role, displayName: opts.name, departmentCode: opts.department ?? null, consumerId: opts.consumer ?? null }));
        printCredentials(created);
      }),
    );

  for (const [cmd, disabled] of [['disable', true], ['enable', false]] as const) {
    user
      .command(`${cmd} <username>`)
      .description(disabled ? 'stop an account; its sessions end at once' : 'allow a disabled account again')
      .action((username: string) =>
        run(async () => {
          await withContext((ctx) => setAccountDisabled(ctx.db, username, disabled));
          process.stdout.write(`${username} ${disabled ? '已停用' : '已启用'}\n`);
        }),
      );
  }

  user
    .command('reset <username>')
    .description('new one-time password (and TOTP secret), unlock, end sessions')
    .action((username: string) => run(async () => printCredentials(await withContext((ctx) => resetAccount(ctx.db, username)))));

  user
    .command('list')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const all = await withContext((ctx) => listAccounts(ctx.db));
      if (opts.json) {
        process.stdout.write(JSON.stringify(all) + '\n');
        return;
      }
      const now = Date.now();
      for (const a of all) {
        const state = a.disabled ? '停用' : a.lockedUntil && a.lockedUntil > now ? '锁定' : '启用';
        process.stdout.write(`${a.username}\t${ROLE_NAMES[a.role]}\t${state}\t${a.departmentCode ?? a.consumerId ?? '-'}\t${a.displayName}\n`);
      }
    });
}
