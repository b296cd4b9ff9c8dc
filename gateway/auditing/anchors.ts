/**
 * Anchors: the chain's head (last id, its hash, the row count) at a moment, written outside
 * the database — to the log and appended to a file (DATA_DIR/audit-anchors.log), each line
 * MAC'd under the chain key. Whoever rewrites the database, even entirely and consistently,
 * cannot make an anchored row's hash match again; `dprs audit verify` compares every anchor.
 * `dprs audit anchor` takes one now; `dprs serve` takes one every hour.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../core/db';
import type { Logger } from '../../core/logger';
import { auditChainKey } from './chain';
import { ChainProblem, verifyChain, VerifyResult } from './store';

export interface Anchor {
  at: number;
  lastId: number;
  hash: string;
  /** rows in audit_log when the anchor was taken */
  count: number;
}

export const ANCHOR_INTERVAL_MS = 3600000;

export function anchorFile(dataDir: string): string {
  return path.join(dataDir, 'audit-anchors.log');
}

function mac(chainKey: Buffer, a: Anchor): string {
  return crypto.createHmac('sha256', chainKey).update(`anchor|${a.at}|${a.lastId}|${a.hash}|${a.count}`).digest('hex');
}

/** The chain's head now. */
export async function currentAnchor(db: Db, now = Date.now()): Promise<Anchor> {
  const head = (await db('audit_chain').where({ id: 1 }).first('last_id', 'last_hash')) as { last_id: number; last_hash: string };
  const counted = (await db('audit_log').count({ n: '*' }).first()) as { n: number | string };
  return { at: now, lastId: Number(head.last_id), hash: head.last_hash, count: Number(counted.n) };
}

/** Takes an anchor, logs it and appends it to the file (created 0600; only ever appended to). */
export async function takeAnchor(db: Db, chainKey: Buffer, file: string, log?: Logger): Promise<Anchor> {
  const a = await currentAnchor(db);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, JSON.stringify({ ...a, mac: mac(chainKey, a) }) + '\n', { mode: 0o600 });
  log?.info({ auditAnchor: a }, 'audit chain anchored');
  return a;
}

/** The anchors in the file; a line that is not a well-formed, MAC-valid anchor is reported, not trusted. */
export function readAnchors(file: string, chainKey: Buffer): { anchors: Anchor[]; badLines: number[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { anchors: [], badLines: [] };
  }
  const anchors: Anchor[] = [];
  const badLines: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const o = JSON.parse(line) as Anchor & { mac: string };
      const a: Anchor = { at: Number(o.at), lastId: Number(o.lastId), hash: String(o.hash), count: Number(o.count) };
      if (o.mac === mac(chainKey, a)) anchors.push(a);
      else badLines.push(i + 1);
    } catch {
      badLines.push(i + 1);
    }
  });
  return { anchors, badLines };
}

/** The serving process's anchors: one at start, then hourly; a failure is logged and retried at the next tick. */
export function scheduleAnchors(db: Db, chainKey: Buffer, file: string, log: Logger, intervalMs = ANCHOR_INTERVAL_MS): { stop(): void } {
  const anchor = () => takeAnchor(db, chainKey, file, log).catch((err: Error) => log.error({ errName: err?.name }, 'audit anchor failed'));
  void anchor();
  const timer = setInterval(anchor, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** The chain verified against this process's anchors file; unreadable or forged anchor lines are problems too. */
export async function verifyAnchoredChain(db: Db, auditKey: string, dataDir: string): Promise<VerifyResult> {
  const chainKey = auditChainKey(auditKey);
  const { anchors, badLines } = readAnchors(anchorFile(dataDir), chainKey);
  const result = await verifyChain(db, chainKey, { anchors });
  if (badLines.length === 0) return result;
  const problem: ChainProblem = { position: 0, fromId: 0, toId: 0, problem: `锚点文件第 ${badLines.join('、')} 行无效（格式或校验码不符）` };
  if (result.ok) return { ok: false, rows: result.rows, position: 0, id: 0, problem: problem.problem, problems: [problem], unkeyedRows: result.unkeyedRows, anchorsChecked: result.anchorsChecked };
  return { ...result, problems: [...result.problems, problem] };
}
