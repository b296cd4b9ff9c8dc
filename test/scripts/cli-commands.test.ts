/**
 * The command line loads only the module of the command asked for (all of them for help or an
 * unknown name), and every command is still listed and reachable.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../support/databases';

const CLI = path.resolve(__dirname, '../../dist/scripts/cli.js');
const EVERY_COMMAND = ['start', 'serve', 'migrate', 'demo', 'audit', 'consumer', 'token', 'catalog', 'sync', 'scheduler', 'bench', 'user', 'verify', 'matters'];

/** Runs the CLI; `commands` are the command modules (scripts/commands/*.js) it loaded. */
function dprs(...args: string[]): { status: number | null; stdout: string; stderr: string; commands: string[] } {
  const dir = tempDir();
  const report = path.join(dir, 'loaded.json');
  const preload = path.join(dir, 'loaded.js');
  fs.writeFileSync(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify(Object.keys(require.cache))));`);
  const env = { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent' };
  const r = spawnSync(process.execPath, ['-r', preload, CLI, ...args], { env, encoding: 'utf8', timeout: 60000 });
  const loaded = JSON.parse(fs.readFileSync(report, 'utf8')) as string[];
  const commands = loaded.flatMap((f) => /[\\/]scripts[\\/]commands[\\/]([a-z-]+)\.js$/.exec(f)?.[1] ?? []).filter((c) => c !== 'common');
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, commands: commands.sort() };
}

describe('dprs command loading', () => {
  it('help lists every command, having loaded every command module', () => {
    const r = dprs('--help');
    expect(r.status).toBe(0);
    for (const name of EVERY_COMMAND) expect([name, r.stdout]).toEqual([name, expect.stringMatching(new RegExp(`^  ${name}\\b`, 'm'))]);
    expect(r.commands).toHaveLength(13);
  });

  it.each([
    [['sync', '--help'], ['sync']],
    [['scheduler', '--help'], ['sync']],
    [['token', '--help'], ['token']],
    [['bench', 'sync', '--help'], ['bench']],
  ])('%j loads only %j', (args, modules) => {
    const r = dprs(...args);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: dprs /);
    expect(r.commands).toEqual(modules);
  });

  it('`help <command>` and an unknown name are answered as before (every module loaded)', () => {
    const help = dprs('help', 'sync');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: dprs sync /);
    const unknown = dprs('synk');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/unknown command 'synk'/);
    expect(unknown.stderr).toMatch(/Did you mean sync\?/);
    expect(unknown.commands).toHaveLength(13);
  });
});
