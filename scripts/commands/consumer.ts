/** dprs consumer add | disable | enable | list: registering the systems that call lookups. */
import type { Command } from 'commander';
import { addConsumer, listConsumers, setConsumerDisabled } from '../../catalog/consumers';
import { withContext } from './common';
import { commandLineActor, recordOperatorAction } from '../../gateway/auditing/operator-actions';

export function registerConsumerCommands(program: Command): void {
  const consumer = program.command('consumer').description('registered callers (approval windows)');

  consumer
    .command('add <id>')
    .description('register a consumer; prints its client secret once')
    .requiredOption('--name <name>', 'display name, e.g. 周村区一窗受理平台')
    .option('--department <code>', 'department code, e.g. ZC901')
    .option('--methods <list>', 'comma-separated lookups it may call', 'getRKZP,getRKHY,batchRKHY,getFRXX,getDZZZ,getDZZZHY')
    .action(async (id: string, opts: { name: string; department?: string; methods: string }) => {
      if (!/^[A-Za-z0-9._-]{3,64}$/.test(id)) {
        process.stderr.write('consumer id 只能包含字母、数字、点、下划线和连字符，长度 3–64\n');
        process.exitCode = 2;
        return;
      }
      const methods = opts.methods.split(',').map((m) => m.trim()).filter(Boolean);
      const { secret } = await withContext(async (ctx) => {
        const added = await addConsumer(ctx.db, { id, name: opts.name, departmentCode: opts.department ?? null, methods });
        await recordOperatorAction(ctx.db, { actor: commandLineActor(), role: 'operator', action: 'consumer.add', target: `consumer:${id}`, detail: { methods } });
        return added;
      });
      process.stdout.write(`client_id=${id}\nclient_secret=${secret}\n`);
    });

  for (const [cmd, disabled] of [['disable', true], ['enable', false]] as const) {
    consumer
      .command(`${cmd} <id>`)
      .description(disabled ? 'stop a consumer: its live tokens fail on the next call' : 'allow a disabled consumer again')
      .action(async (id: string) => {
        const found = await withContext(async (ctx) => {
          const changed = await setConsumerDisabled(ctx.db, id, disabled);
          if (changed) await recordOperatorAction(ctx.db, { actor: commandLineActor(), role: 'operator', action: `consumer.${cmd}`, target: `consumer:${id}` });
          return changed;
        });
        if (!found) {
          process.stderr.write(`consumer ${id} 不存在\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`${id} ${disabled ? '已停用' : '已启用'}\n`);
      });
  }

  consumer
    .command('list')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const all = await withContext((ctx) => listConsumers(ctx.db));
      if (opts.json) process.stdout.write(JSON.stringify(all) + '\n');
      else for (const c of all) process.stdout.write(`${c.id}\t${c.disabled ? '停用' : '启用'}\t${c.name}\t${c.methods.join(',')}\n`);
    });
}
