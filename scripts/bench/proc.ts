/**
 * What the benchmarks read of a process they measure, from /proc (Linux): its CPU time so far
 * and its peak resident memory.
 */
import fs from 'node:fs';

/** CPU seconds (user + system) a process has used so far. */
export function cpuSecondsOf(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (USER_HZ, 100 on Linux)
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The kernel's high-water mark of a process's resident memory, in kB (VmHWM). */
export function peakRssKbOf(pid: number): number {
  const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}
