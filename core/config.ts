/**
 * Configuration: read from the environment once, validated, frozen into a typed object.
 * This is the only module that reads process.env for settings.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir } from './files';

export type DbClient = 'sqlite' | 'mysql';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface JwtKey {
  kid: string;
  secret: string;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  db: {
    client: DbClient;
    /** mysql://user:pass@host:port/db (or ?socket=/path) when client is mysql */
    url: string | null;
    /** SQLite file when client is sqlite */
    sqliteFile: string;
  };
  publicUrl: string;
  /**
   * Send the headers that only make sense over TLS (HSTS, CSP upgrade-insecure-requests):
   * TLS_HEADERS=auto (default: when PUBLIC_URL is https), on, or off.
   */
  tlsHeaders: boolean;
  jwt: {
    /** The first key signs; every key listed verifies (rotation). */
    keys: JwtKey[];
    issuer: string;
    ttlSeconds: number;
  };
  /** HMAC key for the audit log's query-key hashes. */
  auditKey: string;
  logLevel: LogLevel;
  /** Largest accepted request body, JSON or SOAP. */
  bodyLimitBytes: number;
  /** Requests taking longer than this are answered with 500 and logged. */
  requestTimeoutMs: number;
  rateLimit: {
    /** lookups per consumer and method per window; 0 = unlimited */
    defaultLimit: number;
    perMethod: Record<string, number>;
    windowMs: number;
  };
  /**
   * Where /metrics is served, apart from the lookups' port (consumer ids and call patterns are
   * for the operator's Prometheus, not for callers); null = not served.
   */
  metricsListen: { host: string; port: number } | null;
  /** audit rows older than this are pruned by `dprs audit prune` (never below 180) */
  auditRetentionDays: number;
  sync: {
    /**
     * How long a sync lease lives without renewal. A replica that dies on another host holds
     * its jobs this long at most (on the same host the dead holder is noticed at once).
     */
    leaseMs: number;
    /** the exchange directory: the only place a job's CSV file may be read from */
    fileDir: string;
    /** host names or addresses a job's database source may connect to (the 前置机); empty = none */
    sourceHosts: string[];
  };
  workbench: {
    /** a session unused this long is signed out */
    idleMinutes: number;
    /** how long five wrong passwords in a row lock an account */
    lockMinutes: number;
    /** operator and auditor accounts must give a TOTP code (等保 2.0 三级: two factors for administrators) */
    totpRequired: boolean;
    /** failed sign-ins from one address per 15 minutes before it is refused (any account) */
    addressFailures: number;
  };
  /** lookups by a system must name the person at the window (X-User-Id) */
  userIdRequired: boolean;
  /** X-Purpose given as free text instead of a 事项编码: allow (not yet migrated consumers) or deny */
  purposeFreeText: 'allow' | 'deny';
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`配置错误 ${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function intVar(env: Env, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `必须是整数，收到 "${raw}"`);
  const n = Number(raw.trim());
  if (n < min || n > max) throw new ConfigError(name, `必须在 ${min} 到 ${max} 之间，收到 ${n}`);
  return n;
}

function enumVar<T extends string>(env: Env, name: string, allowed: readonly T[], dflt: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const v = raw.trim().toLowerCase() as T;
  if (!allowed.includes(v)) throw new ConfigError(name, `必须是 ${allowed.join(' / ')} 之一，收到 "${raw}"`);
  return v;
}

function boolVar(env: Env, name: string, dflt: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const v = raw.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ConfigError(name, `必须是 true 或 false，收到 "${raw}"`);
}

function urlVar(env: Env, name: string, protocols: string[]): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(name, `不是合法的 URL`);
  }
  if (!protocols.includes(u.protocol)) throw new ConfigError(name, `协议必须是 ${protocols.join(' / ')}，收到 ${u.protocol}`);
  return raw;
}

/** JWT_KEYS="kid1:secret1,kid2:secret2" (first signs) or JWT_SECRET="secret" (kid "k1"). */
function jwtKeys(env: Env, secrets: () => PersistedSecrets): JwtKey[] {
  if (env.JWT_KEYS) {
    const keys = env.JWT_KEYS.split(',').map((part) => {
      const i = part.indexOf(':');
      if (i <= 0) throw new ConfigError('JWT_KEYS', '格式应为 kid:secret[,kid:secret]');
      return { kid: part.slice(0, i).trim(), secret: part.slice(i + 1).trim() };
    });
    for (const k of keys) {
      if (k.secret.length < 32) throw new ConfigError('JWT_KEYS', `密钥 ${k.kid} 至少 32 个字符`);
    }
    return keys;
  }
  if (env.JWT_SECRET) {
    if (env.JWT_SECRET.length < 32) throw new ConfigError('JWT_SECRET', '至少 32 个字符');
    return [{ kid: 'k1', secret: env.JWT_SECRET }];
  }
  return [{ kid: secrets().jwtKid, secret: secrets().jwtSecret }];
}

interface PersistedSecrets {
  jwtKid: string;
  jwtSecret: string;
  auditKey: string;
}

/**
 * For the embedded default, keys nobody configured are generated once and kept in
 * DATA_DIR/secrets.json (mode 0600), so tokens and audit hashes survive restarts.
 */
function persistedSecrets(dataDir: string): PersistedSecrets {
  const file = path.join(dataDir, 'secrets.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as PersistedSecrets;
  } catch {
    const fresh: PersistedSecrets = {
      jwtKid: 'k' + crypto.randomBytes(3).toString('hex'),
      jwtSecret: crypto.randomBytes(48).toString('base64url'),
      auditKey: crypto.randomBytes(48).toString('base64url'),
    };
    ensurePrivateDir(dataDir);
    try {
      fs.writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600, flag: 'wx' });
      return fresh;
    } catch {
      // another process created it first: use theirs
      return JSON.parse(fs.readFileSync(file, 'utf8')) as PersistedSecrets;
    }
  }
}

/** METRICS_LISTEN="127.0.0.1:9464" (default), "[::1]:9464", "0.0.0.0:9464", or "off". */
function listenVar(env: Env, name: string, dflt: string): { host: string; port: number } | null {
  const raw = (env[name] ?? '').trim() || dflt;
  if (raw.toLowerCase() === 'off') return null;
  const i = raw.lastIndexOf(':');
  const host = raw.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  const port = raw.slice(i + 1);
  if (i <= 0 || host === '' || !/^\d{1,5}$/.test(port) || Number(port) > 65535) throw new ConfigError(name, `格式应为 地址:端口（如 127.0.0.1:9464）或 off，收到 "${raw}"`);
  return { host, port: Number(port) };
}

/** RATE_LIMITS="getRKZP:1200,batchRKHY:30" → { getRKZP: 1200, batchRKHY: 30 } */
function parseMethodLimits(spec: string): Record<string, number> | null {
  const out: Record<string, number> = {};
  if (spec.trim() === '') return out;
  for (const part of spec.split(',')) {
    const m = part.trim().match(/^([A-Za-z][A-Za-z0-9]*):(\d+)$/);
    if (!m) return null;
    out[m[1]] = Number(m[2]);
  }
  return out;
}

/**
 * A sync source's database password, from the `SYNC_PASSWORD_…` variable its job names. Read when
 * the run connects rather than at start, so the definition never holds it; kept here so that the
 * environment is read in this module only.
 */
export function syncSourcePassword(name: string, env: Env = process.env): string | undefined {
  return env[name];
}

/** Who sits at the keyboard of a command-line change: the sudo caller if any. */
export function invokingUser(env: Env = process.env): string | undefined {
  return env.SUDO_USER || undefined;
}

export function loadConfig(env: Env = process.env): Config {
  const port = intVar(env, 'PORT', 8080, 0, 65535);
  const host = env.HOST && env.HOST.trim() !== '' ? env.HOST.trim() : '0.0.0.0';
  const dataDir = path.resolve(env.DATA_DIR && env.DATA_DIR !== '' ? env.DATA_DIR : './data');
  const client = enumVar(env, 'DB_CLIENT', ['sqlite', 'mysql'] as const, 'sqlite');
  const url = urlVar(env, 'DATABASE_URL', ['mysql:', 'mariadb:', 'sqlite:', 'file:']);
  if (client === 'mysql' && (!url || !/^(mysql|mariadb):/.test(url))) {
    throw new ConfigError('DATABASE_URL', 'DB_CLIENT=mysql 时必须设置 mysql://user:pass@host:port/db');
  }
  let sqliteFile = path.join(dataDir, 'gateway.db');
  if (client === 'sqlite' && url) sqliteFile = path.resolve(url.replace(/^(sqlite|file):(\/\/)?/, ''));
  const publicUrl = (urlVar(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const tlsMode = enumVar(env, 'TLS_HEADERS', ['auto', 'on', 'off'] as const, 'auto');
  const tlsHeaders = tlsMode === 'on' || (tlsMode === 'auto' && publicUrl.startsWith('https:'));
  const logLevel = enumVar(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info');
  const ttlSeconds = intVar(env, 'JWT_TTL_SECONDS', 3600, 60, 3600);
  const bodyLimitBytes = intVar(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024);
  const requestTimeoutMs = intVar(env, 'REQUEST_TIMEOUT_MS', 30000, 100, 600000);
  const rateDefault = intVar(env, 'RATE_LIMIT_PER_MINUTE', 600, 0, 10000000);
  const perMethod = parseMethodLimits(env.RATE_LIMITS ?? '');
  if (!perMethod) throw new ConfigError('RATE_LIMITS', '格式应为 方法名:每分钟次数[,方法名:每分钟次数]，如 getRKZP:1200,batchRKHY:30');
  const auditRetentionDays = intVar(env, 'AUDIT_RETENTION_DAYS', 365, 180, 36500);
  const metricsListen = listenVar(env, 'METRICS_LISTEN', '127.0.0.1:9464');
  // below 3 s the renewal (every third of the lease, at least 1 s) has no margin left
  const syncLeaseMs = intVar(env, 'SYNC_LEASE_MS', 60000, 3000, 3600000);
  const workbench = {
    idleMinutes: intVar(env, 'WORKBENCH_IDLE_MINUTES', 30, 1, 1440),
    lockMinutes: intVar(env, 'WORKBENCH_LOCK_MINUTES', 15, 1, 1440),
    totpRequired: boolVar(env, 'WORKBENCH_TOTP_REQUIRED', false),
    addressFailures: intVar(env, 'WORKBENCH_ADDRESS_FAILURES', 30, 1, 10000),
  };
  const userIdRequired = boolVar(env, 'LOOKUP_USER_ID_REQUIRED', false);
  const syncFileDir = path.resolve(env.SYNC_FILE_DIR && env.SYNC_FILE_DIR.trim() !== '' ? env.SYNC_FILE_DIR.trim() : path.join(dataDir, 'exchange'));
  const sourceHosts = (env.SYNC_SOURCE_HOSTS ?? '').split(',').map((h) => h.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1')).filter((h) => h !== '');
  for (const h of sourceHosts) if (!/^[a-z0-9.:_-]+$/.test(h)) throw new ConfigError('SYNC_SOURCE_HOSTS', `应为逗号分隔的主机名或 IP 地址，"${h}" 不是`);
  const purposeFreeText = enumVar(env, 'PURPOSE_FREE_TEXT', ['allow', 'deny'] as const, 'allow');

  let cached: PersistedSecrets | undefined;
  const secrets = () => (cached ??= persistedSecrets(dataDir));
  const keys = jwtKeys(env, secrets);
  let auditKey = env.AUDIT_KEY ?? '';
  if (auditKey !== '' && auditKey.length < 32) throw new ConfigError('AUDIT_KEY', '至少 32 个字符');
  if (auditKey === '') auditKey = secrets().auditKey;

  return Object.freeze({
    port,
    host,
    dataDir,
    db: { client, url: client === 'mysql' ? url : null, sqliteFile },
    publicUrl,
    tlsHeaders,
    jwt: { keys, issuer: env.JWT_ISSUER && env.JWT_ISSUER !== '' ? env.JWT_ISSUER : 'dprs', ttlSeconds },
    auditKey,
    logLevel,
    bodyLimitBytes,
    requestTimeoutMs,
    rateLimit: { defaultLimit: rateDefault, perMethod, windowMs: 60000 },
    metricsListen,
    auditRetentionDays,
    sync: { leaseMs: syncLeaseMs, fileDir: syncFileDir, sourceHosts },
    purposeFreeText,
    workbench,
    userIdRequired,
  });
}
