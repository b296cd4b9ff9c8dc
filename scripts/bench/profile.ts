/**
 * Reads a V8 CPU profile (node --cpu-prof) and says where the time went: self time grouped
 * by npm package, by our own module, or by Node internals — the view that showed which parts
 * of the stack a lookup spends its CPU in — and by function within them.
 */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function groupOf(node: ProfileNode): string {
  const url = node.callFrame.url;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 'node_modules/'.length).split('/');
    return 'npm ' + (parts[0].startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return 'dprs ' + url.slice(dist + '/dist/'.length).replace(/\.js$/, '');
  if (url.startsWith('node:')) return 'node ' + url.slice(5).split('/')[0];
  return node.callFrame.functionName || '(native)';
}

/** A function, named with its group and line (0-based, as V8 gives it). */
function functionOf(node: ProfileNode): string {
  const { functionName, lineNumber } = node.callFrame;
  const group = groupOf(node);
  if (group === functionName) return group; // (idle), (garbage collector), native calls
  return `${functionName || '(anonymous)'}  ${group}${lineNumber >= 0 ? `:${lineNumber}` : ''}`;
}

function selfTimes(p: CpuProfile): Map<number, number> {
  const perNode = new Map<number, number>();
  p.samples.forEach((id, i) => perNode.set(id, (perNode.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  return perNode;
}

/** Share of self time per group (or per function), largest first. */
export function selfTimeShares(file: string, by: (n: ProfileNode) => string = groupOf): Array<{ group: string; share: number }> {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const perNode = selfTimes(p);
  const perGroup = new Map<string, number>();
  for (const n of p.nodes) perGroup.set(by(n), (perGroup.get(by(n)) ?? 0) + (perNode.get(n.id) ?? 0));
  const total = [...perGroup.values()].reduce((a, b) => a + b, 0) || 1;
  return [...perGroup.entries()].map(([group, t]) => ({ group, share: t / total })).sort((a, b) => b.share - a.share);
}

/**
 * Share of time spent in each of our own functions or below it (inclusive: a function counted
 * once per sample however deep it recurs), largest first — the view that says what a piece of
 * work costs in all, where self time spreads it over the callees.
 */
export function ownInclusiveShares(file: string): Array<{ group: string; share: number }> {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const [id, t] of selfTimes(p)) {
    total += t;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at)!;
      if (!groupOf(node).startsWith('dprs ') || node.callFrame.lineNumber <= 0) continue; // module bodies are start-up
      const name = functionOf(node);
      if (!seen.has(name)) inclusive.set(name, (inclusive.get(name) ?? 0) + t);
      seen.add(name);
    }
  }
  return [...inclusive.entries()].map(([group, t]) => ({ group, share: t / (total || 1) })).sort((a, b) => b.share - a.share);
}

/**
 * The newest profile of a process's main thread in a folder (a process with worker threads
 * writes one per thread: CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, thread 0 the main
 * one), summarised as text lines: self time by group and by function, then our own functions
 * inclusive.
 */
export function summariseProfileDir(dir: string, top = 15): string {
  const files = fs.readdirSync(dir).filter((f) => /\.0\.\d+\.cpuprofile$/.test(f));
  if (files.length === 0) return `no CPU profile of a main thread in ${dir}`;
  const newest = files.map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  const lines = (shares: Array<{ group: string; share: number }>) => shares.slice(0, top).map((g) => `  ${(g.share * 100).toFixed(1).padStart(5)} %  ${g.group}`);
  return [
    `CPU self time, ${newest}:`,
    ...lines(selfTimeShares(newest)),
    'by function:',
    ...lines(selfTimeShares(newest, functionOf)),
    'our functions, inclusive (with what they call):',
    ...lines(ownInclusiveShares(newest)),
  ].join('\n');
}
