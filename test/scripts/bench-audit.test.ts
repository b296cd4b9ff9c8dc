/** `dprs bench audit` runs: alternating rounds, checkpoints on the connection then in the worker, each with its figures. */
import { auditSummary, runAuditBench } from '../../scripts/bench/audit';

describe('bench audit', () => {
  it('measures both ways, round by round', async () => {
    const rounds = await runAuditBench({ rounds: 2, batches: 3, rows: 4 });
    expect(rounds.map((r) => r.checkpoints)).toEqual(['connection', 'worker', 'connection', 'worker']);
    for (const r of rounds) {
      expect(r.loopUsPerRow).toBeGreaterThan(0);
      expect(r.cpuUsPerRow).toBeGreaterThan(0);
    }
    expect(auditSummary(rounds).split('\n')).toHaveLength(4);
  });
});
