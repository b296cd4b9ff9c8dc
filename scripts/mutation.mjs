#!/usr/bin/env node
/**
 * npm run test:mutation [-- MODULE... [--stryker-option value...]]
 * Runs Stryker once per module of stryker.config.mjs (all of them by default), each against its
 * own tests on SQLite, then prints one line per module: mutants, killed, survived, score, time.
 * Options starting with -- go to Stryker (e.g. --concurrency 1, --mutate FILE).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { MODULES } from '../stryker.config.mjs';

const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith('-'));
const names = firstOption < 0 ? args : args.slice(0, firstOption);
const strykerArgs = firstOption < 0 ? [] : args.slice(firstOption);
for (const n of names) {
  if (!MODULES[n]) {
    console.error(`unknown module ${n}; known: ${Object.keys(MODULES).join(', ')}`);
    process.exit(2);
  }
}

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
for (const name of names.length ? names : Object.keys(MODULES)) {
  const started = Date.now();
  process.stdout.write(`\n== mutation testing: ${name} (${MODULES[name].mutate.join(', ')})\n`);
  const run = spawnSync('npx', ['stryker', 'run', ...strykerArgs], {
    stdio: 'inherit',
    env: { ...process.env, DPRS_MUTATION_MODULE: name, MYSQL_URL: '' },
  });
  const seconds = Math.round((Date.now() - started) / 1000);
  const report = `reports/mutation/${name}/mutation.json`;
  if (run.status !== 0 || !existsSync(report)) {
    failed = true;
    rows.push({ name, seconds, error: `stryker exited ${run.status ?? run.signal}` });
  } else rows.push({ name, seconds, ...score(report) });
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
