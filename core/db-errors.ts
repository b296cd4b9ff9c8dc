/**
 * The one translator of database driver errors (mysql2, better-sqlite3, node's sockets, knex):
 * what kind of failure it is, whether trying again can help, and a Chinese description an
 * operator can act on that quotes no SQL, data, host, user or stack.
 */

export type DbErrorKind =
  | 'unique'
  | 'not-null'
  | 'too-long'
  | 'deadlock'
  | 'lock-wait'
  | 'busy'
  | 'refused'
  | 'timeout'
  | 'host-not-found'
  | 'connection-lost'
  | 'too-many-connections'
  | 'access-denied'
  | 'database-access-denied'
  | 'table-access-denied'
  | 'unknown-database'
  | 'no-such-table'
  | 'no-such-column'
  | 'cannot-open'
  | 'read-only'
  | 'not-a-database'
  | 'disk-full'
  | 'syntax'
  | 'load-data-refused';

/** Driver codes (mysql2's `code`, better-sqlite3's `code`, node's errno names) by kind. */
const BY_CODE: Record<string, DbErrorKind> = {
  ER_DUP_ENTRY: 'unique',
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  ER_BAD_NULL_ERROR: 'not-null',
  ER_NO_DEFAULT_FOR_FIELD: 'not-null',
  SQLITE_CONSTRAINT_NOTNULL: 'not-null',
  ER_DATA_TOO_LONG: 'too-long',
  SQLITE_TOOBIG: 'too-long',
  ER_LOCK_DEADLOCK: 'deadlock',
  ER_LOCK_WAIT_TIMEOUT: 'lock-wait',
  SQLITE_BUSY: 'busy',
  SQLITE_BUSY_SNAPSHOT: 'busy',
  SQLITE_BUSY_RECOVERY: 'busy',
  SQLITE_BUSY_TIMEOUT: 'busy',
  SQLITE_LOCKED: 'busy',
  ECONNREFUSED: 'refused',
  ETIMEDOUT: 'timeout',
  ENOTFOUND: 'host-not-found',
  EAI_AGAIN: 'host-not-found',
  EHOSTUNREACH: 'refused',
  PROTOCOL_CONNECTION_LOST: 'connection-lost',
  ECONNRESET: 'connection-lost',
  EPIPE: 'connection-lost',
  ER_SERVER_SHUTDOWN: 'connection-lost',
  ER_CON_COUNT_ERROR: 'too-many-connections',
  ER_TOO_MANY_USER_CONNECTIONS: 'too-many-connections',
  ER_ACCESS_DENIED_ERROR: 'access-denied',
  ER_DBACCESS_DENIED_ERROR: 'database-access-denied',
  ER_TABLEACCESS_DENIED_ERROR: 'table-access-denied',
  ER_COLUMNACCESS_DENIED_ERROR: 'table-access-denied',
  ER_BAD_DB_ERROR: 'unknown-database',
  ER_NO_SUCH_TABLE: 'no-such-table',
  ER_BAD_FIELD_ERROR: 'no-such-column',
  SQLITE_CANTOPEN: 'cannot-open',
  SQLITE_READONLY: 'read-only',
  SQLITE_NOTADB: 'not-a-database',
  SQLITE_FULL: 'disk-full',
  ER_PARSE_ERROR: 'syntax',
  ER_NOT_ALLOWED_COMMAND: 'load-data-refused',
  ER_CLIENT_LOCAL_FILES_DISABLED: 'load-data-refused',
};

const DESCRIPTIONS: Record<DbErrorKind, string> = {
  unique: '唯一约束冲突（值已存在）',
  'not-null': '必填列为空',
  'too-long': '值超出列长度',
  deadlock: '事务因死锁被数据库回滚，可重试',
  'lock-wait': '等待行锁超时，可重试',
  busy: '数据库文件正被其他连接写入（忙），可重试',
  refused: '连接被拒绝，请检查地址、端口及数据库服务是否已启动',
  timeout: '连接数据库超时，请检查网络及数据库服务',
  'host-not-found': '找不到数据库主机，请检查主机名',
  'connection-lost': '与数据库的连接中断',
  'too-many-connections': '数据库连接数已满',
  'access-denied': '数据库拒绝登录：用户名或密码错误，或该用户不允许从本机连接',
  'database-access-denied': '数据库用户无权访问该库，请检查授权（GRANT）',
  'table-access-denied': '数据库用户无权访问该表或列，请检查授权（GRANT）',
  'unknown-database': '数据库不存在，请检查连接地址中的库名',
  'no-such-table': '表不存在',
  'no-such-column': '列不存在',
  'cannot-open': '无法打开数据库文件，请检查路径及目录权限',
  'read-only': '数据库文件只读，无法写入',
  'not-a-database': '文件不是有效的数据库',
  'disk-full': '磁盘已满，数据库无法写入',
  syntax: 'SQL 语法错误',
  'load-data-refused': '数据库不允许 LOAD DATA LOCAL（local_infile 已关闭）',
};

/** Server error numbers mysql2 has no code name for. */
const BY_ERRNO: Record<number, DbErrorKind> = {
  4166: 'load-data-refused', // MariaDB's ER_LOAD_INFILE_CAPABILITY_DISABLED: local_infile off, at the server or the client
};

function field(err: unknown, name: 'code' | 'message' | 'name'): string {
  const v = err && typeof err === 'object' ? (err as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v : '';
}

/** The kind of a driver error, or null for anything that is not one. */
export function dbErrorKind(err: unknown): DbErrorKind | null {
  const code = field(err, 'code');
  const byCode = BY_CODE[code] ?? BY_ERRNO[Number((err as { errno?: unknown } | null)?.errno)];
  if (byCode) return byCode;
  // better-sqlite3 reports a missing table or column, and a syntax error, as plain SQLITE_ERROR
  if (code === 'SQLITE_ERROR') {
    const msg = field(err, 'message');
    if (/no such table/i.test(msg)) return 'no-such-table';
    if (/no such column|has no column named/i.test(msg)) return 'no-such-column';
    if (/syntax error/i.test(msg)) return 'syntax';
    return null;
  }
  if (code.startsWith('SQLITE_BUSY')) return 'busy';
  // mysql2 marks errors that end the connection fatal; a command on a connection that had
  // already died carries no code, only that mark
  if (err && typeof err === 'object' && (err as { fatal?: unknown }).fatal === true) return 'connection-lost';
  // knex waited for a pooled connection in vain (acquireConnectionTimeout)
  if (field(err, 'name') === 'KnexTimeoutError') return 'timeout';
  return null;
}

export function isUniqueViolation(err: unknown): boolean {
  return dbErrorKind(err) === 'unique';
}

/**
 * The database gave up on a statement or transaction for contention alone (SQLite busy, a
 * MySQL deadlock victim or lock wait timeout): running the same work again may succeed. MySQL
 * rolls a deadlocked transaction back whole.
 */
export function isRetryable(err: unknown): boolean {
  const k = dbErrorKind(err);
  return k === 'deadlock' || k === 'lock-wait' || k === 'busy';
}

/** The connection died mid-work: whatever the open transaction did is gone. */
export function isConnectionLost(err: unknown): boolean {
  return dbErrorKind(err) === 'connection-lost';
}

/** Failures of reaching or logging in to the database, as opposed to a statement's. */
export function isUnreachable(err: unknown): boolean {
  const k = dbErrorKind(err);
  return (
    k === 'refused' || k === 'timeout' || k === 'host-not-found' || k === 'connection-lost' || k === 'too-many-connections' ||
    k === 'access-denied' || k === 'database-access-denied' || k === 'unknown-database' || k === 'cannot-open' || k === 'busy' ||
    k === 'not-a-database'
  );
}

/** A missing table or column: the schema is not what the statement expects. */
export function isSchemaMismatch(err: unknown): boolean {
  const k = dbErrorKind(err);
  return k === 'no-such-table' || k === 'no-such-column';
}

/**
 * Another process is migrating the same MySQL schema: knex's lock is taken, or its bookkeeping
 * tables were created by the other replica between our check and our create.
 */
export function isMigrationRaceLost(err: unknown): boolean {
  if (field(err, 'name') === 'MigrationLocked') return true;
  return /already locked|knex_migrations\S*` .*already exists|Table 'knex_migrations/i.test(field(err, 'message'));
}

/** Chinese description of a driver error, or null when `err` is not one. */
export function describeDbError(err: unknown): string | null {
  const k = dbErrorKind(err);
  return k ? DESCRIPTIONS[k] : null;
}
