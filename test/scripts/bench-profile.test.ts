/**
 * The bench's profile summary: it reads the main thread's profile (a gateway with the SQLite
 * checkpoint worker writes one per thread), and it counts a function's time with what it calls.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ownInclusiveShares, summariseProfileDir } from '../../scripts/bench/profile';
import { tempDir } from '../support/databases';

const frame = (id: number, functionName: string, url: string, lineNumber: number, children: number[] = []) => ({ id, callFrame: { functionName, url, lineNumber }, children });

/** root → answer (ours) → select (ours) → native; answer also calls JSON.stringify (node) */
const PROFILE = {
  nodes: [
    frame(1, '(root)', '', -1, [2]),
    frame(2, 'answer', 'file:///srv/dist/gateway/pipeline.js', 10, [3, 5]),
    frame(3, 'select', 'file:///srv/dist/core/dialect.js', 20, [4]),
    frame(4, 'all', 'file:///srv/node_modules/better-sqlite3/lib/x.js', 5),
    frame(5, 'stringify', 'node:internal/json', 1),
  ],
  samples: [2, 3, 4, 4, 5, 1],
  timeDeltas: [10, 10, 10, 10, 10, 50],
};

describe('bench profile summary', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('dprs-prof-');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('counts our functions with their callees, each once per sample', () => {
    const file = path.join(dir, 'CPU.20261130.100000.1.0.001.cpuprofile');
    fs.writeFileSync(file, JSON.stringify(PROFILE));
    const shares = new Map(ownInclusiveShares(file).map((s) => [s.group, s.share]));
    expect(shares.get('answer  dprs gateway/pipeline:10')).toBeCloseTo(50 / 100);
    expect(shares.get('select  dprs core/dialect:20')).toBeCloseTo(30 / 100);
    expect(shares.size).toBe(2); // npm and node frames are not ours
  });

  it("summarises the main thread's profile, not a worker's written after it", () => {
    const main = path.join(dir, 'CPU.20261130.100000.1.0.001.cpuprofile');
    const worker = path.join(dir, 'CPU.20261130.100001.1.1.002.cpuprofile');
    fs.writeFileSync(main, JSON.stringify(PROFILE));
    fs.writeFileSync(worker, JSON.stringify({ nodes: [frame(1, '(root)', '', -1)], samples: [1], timeDeltas: [1] }));
    fs.utimesSync(worker, new Date(), new Date(Date.now() + 5000));
    const summary = summariseProfileDir(dir);
    expect(summary).toContain(main);
    expect(summary).not.toContain(worker);
    expect(summary).toMatch(/50\.0 %\s+answer {2}dprs gateway\/pipeline:10/);
  });
});
