/**
 * A handful of deliberately inconsistent 公安 records in the demo, for the intra-record rules
 * (多元校核) to find: a birth date or sex that disagrees with the ID number. Person indexes are
 * small so that small demos have them too, and none is among 民政's people (every 25th).
 */
import type { PersonRow } from './records';

export const DELIBERATE_INCONSISTENCIES: Readonly<Record<number, 'csrq' | 'xb'>> = { 11: 'csrq', 42: 'csrq', 77: 'xb' };

/** The person as the 公安 table holds it: itself, or with the deliberate mistake. */
export function asRecorded(p: PersonRow, index: number): PersonRow {
  switch (DELIBERATE_INCONSISTENCIES[index]) {
    case 'csrq': {
      // a year off, as when a clerk mistypes it (29 February becomes the 28th)
      const year = String(Number(p.CSRQ.slice(0, 4)) + 1);
      const md = p.CSRQ.slice(4) === '0229' ? '0228' : p.CSRQ.slice(4);
      return { ...p, CSRQ: year + md };
    }
    case 'xb':
      return { ...p, XB: p.XB === '1' ? '2' : '1' };
    default:
      return p;
  }
}
