#!/usr/bin/env node
/**
 * npm run test:mutation [-- MODULE[:FILE[:LINES]]... [--stryker-option value...]]
 * Runs Stryker once per module of stryker.config.mjs (all of them by default), each against its
 * own tests on SQLite, then prints one line per module: mutants, killed, survived, score, time.
 * MODULE:FILE mutates one file of the module (FILE as a path or its name without .ts, e.g.
 * sync:write) against the tests the module names for it; :LINES narrows it to a line range
 * (sync:write:150-260). Options starting with -- go to Stryker (e.g. --concurrency 1, --force).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MODULES, reportDir } from '../stryker.config.mjs';

const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith('-'));
const targets = firstOption < 0 ? args : args.slice(0, firstOption);
const strykerArgs = firstOption < 0 ? [] : args.slice(firstOption);

/** The module's files, its `dir/*.ts` patterns listed. */
function filesOf(module) {
  return module.mutate.flatMap((pattern) => {
    if (!pattern.endsWith('/*.ts')) return [pattern];
    const dir = pattern.slice(0, -'/*.ts'.length);
    return readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f}`);
  });
}

/** `sync:write:150-260` → { name: 'sync', scope: 'adapters/sync/write.ts:150-260' } */
function parseTarget(arg) {
  const [name, file, lines, ...extra] = arg.split(':');
  const fail = (why) => {
    console.error(why);
    process.exit(2);
  };
  if (!MODULES[name]) fail(`unknown module ${name}; known: ${Object.keys(MODULES).join(', ')}`);
  if (file === undefined) return { name, scope: '' };
  if (extra.length || (lines !== undefined && !/^[0-9]+-[0-9]+$/.test(lines))) fail(`${arg}: expected MODULE:FILE or MODULE:FILE:FROM-TO`);
  // an entry may carry its own line range (the part of a file the module is about)
  const files = filesOf(MODULES[name]);
  const pathOf = (entry) => entry.replace(/:[0-9-]+$/, '');
  // a file may be listed in parts (several ranges): the scope is all of them
  const matches = files.filter((f) => [pathOf(f), path.basename(pathOf(f), '.ts'), path.basename(pathOf(f))].includes(file));
  if (matches.length === 0) fail(`${file} is not a file of ${name}; its files: ${files.join(', ')}`);
  return { name, scope: lines ? `${pathOf(matches[0])}:${lines}` : matches.join(',') };
}

const chosen = targets.map(parseTarget);

/** Killed and timed-out mutants count as detected; ignored ones and those that do not compile count for nothing. */
function score(reportFile) {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  const n = { mutants: 0, killed: 0, survived: 0, noCoverage: 0, ignored: 0 };
  for (const file of Object.values(report.files)) {
    for (const m of file.mutants) {
      if (m.status === 'Ignored') n.ignored++;
      else if (m.status === 'CompileError' || m.status === 'RuntimeError') continue;
      else {
        n.mutants++;
        if (m.status === 'Killed' || m.status === 'Timeout') n.killed++;
        else if (m.status === 'NoCoverage') n.noCoverage++;
        else n.survived++;
      }
    }
  }
  return { ...n, score: n.mutants ? (100 * n.killed) / n.mutants : NaN };
}

const rows = [];
let failed = false;
for (const { name, scope } of chosen.length ? chosen : Object.keys(MODULES).map((name) => ({ name, scope: '' }))) {
  const started = Date.now();
  process.stdout.write(`\n== mutation testing: ${name} (${scope || MODULES[name].mutate.join(', ')})\n`);
  // SQLite only, but for a module whose code only MySQL reaches
  const mysqlUrl = MODULES[name].mysql ? process.env.MYSQL_URL ?? '' : '';
  if (MODULES[name].mysql && !mysqlUrl) process.stdout.write(`${name} is reached only on MySQL: set MYSQL_URL, or its mutants count as not covered\n`);
  const run = spawnSync('npx', ['stryker', 'run', ...strykerArgs], {
    stdio: 'inherit',
    env: { ...process.env, DPRS_MUTATION_MODULE: name, DPRS_MUTATION_SCOPE: scope, MYSQL_URL: mysqlUrl },
  });
  const seconds = Math.round((Date.now() - started) / 1000);
  const report = `${reportDir(name, scope)}/mutation.json`;
  if (run.status !== 0 || !existsSync(report)) {
    failed = true;
    rows.push({ name: scope ? `${name}:${scope}` : name, seconds, error: `stryker exited ${run.status ?? run.signal}` });
  } else rows.push({ name: scope ? `${name}:${scope}` : name, seconds, ...score(report) });
}

const pad = (s, n) => String(s).padEnd(n);
process.stdout.write(`\n${pad('module', 12)} ${pad('mutants', 8)} ${pad('killed', 7)} ${pad('survived', 9)} ${pad('no cover', 9)} ${pad('ignored', 8)} ${pad('score', 8)} time\n`);
for (const r of rows) {
  if (r.error) process.stdout.write(`${pad(r.name, 12)} ${r.error}\n`);
  else {
    const flag = r.score >= 90 ? '' : '  < 90 %';
    process.stdout.write(`${pad(r.name, 12)} ${pad(r.mutants, 8)} ${pad(r.killed, 7)} ${pad(r.survived, 9)} ${pad(r.noCoverage, 9)} ${pad(r.ignored, 8)} ${pad(r.score.toFixed(1) + ' %', 8)} ${r.seconds} s${flag}\n`);
  }
}
process.stdout.write('reports: reports/mutation/<module>/index.html (open in a browser), mutation.json\n');
process.exit(failed ? 1 : 0);
