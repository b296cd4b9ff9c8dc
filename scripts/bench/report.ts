/**
 * BENCHMARKS.md is assembled from sections, each owned by one benchmark script and replaced
 * whole when that script runs again; the others are left as they are.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The repository root: the nearest folder above this file holding package.json (src or dist). */
function benchmarksFile(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'BENCHMARKS.md');
}

export function machineLine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.type()} ${os.release()}`;
}

export function writeSection(name: string, markdown: string): string {
  const file = benchmarksFile();
  const start = `<!-- section:${name} -->`;
  const end = `<!-- /section:${name} -->`;
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n\nEvery figure below was produced by the command shown with it, on the machine named, in one run against the baseline of the same section.\n';
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  text = i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + end.length) : text.trimEnd() + '\n\n' + block + '\n';
  fs.writeFileSync(file, text);
  return file;
}

export function table(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
