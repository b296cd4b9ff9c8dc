/**
 * What the benchmarks that set two things against each other (bench http, compare,
 * sync-compare) share in deciding their figures. This machine's speed drifts by
 * tens of per cent within minutes (BENCHMARKS.md), so two things measured against each other
 * take turns — A, B, then B, A — and a figure is the median of its runs.
 */

/** The order of 2 × pairs runs: pairs alternate which of the two goes first, so a drift favours neither. */
export function alternated<T>(pairs: number, first: T, second: T): T[] {
  const order: T[] = [];
  for (let i = 0; i < pairs; i++) order.push(...(i % 2 === 0 ? [first, second] : [second, first]));
  return order;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
