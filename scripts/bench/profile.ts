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

/** Share of self time per group (or per function), largest first. */
export function selfTimeShares(file: string, by: (n: ProfileNode) => string = groupOf): Array<{ group: string; share: number }> {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const perNode = new Map<number, number>();
  p.samples.forEach((id, i) => perNode.set(id, (perNode.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const perGroup = new Map<string, number>();
  for (const n of p.nodes) perGroup.set(by(n), (perGroup.get(by(n)) ?? 0) + (perNode.get(n.id) ?? 0));
  const total = [...perGroup.values()].reduce((a, b) => a + b, 0) || 1;
  return [...perGroup.entries()].map(([group, t]) => ({ group, share: t / total })).sort((a, b) => b.share - a.share);
}

/** The newest profile in a folder, summarised as text lines: by group, then by function. */
export function summariseProfileDir(dir: string, top = 15): string {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) return `no CPU profile in ${dir}`;
  const newest = files.map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  const lines = (shares: Array<{ group: string; share: number }>) => shares.slice(0, top).map((g) => `  ${(g.share * 100).toFixed(1).padStart(5)} %  ${g.group}`);
  return [`CPU self time, ${newest}:`, ...lines(selfTimeShares(newest)), 'by function:', ...lines(selfTimeShares(newest, functionOf))].join('\n');
}
