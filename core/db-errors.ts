/**
 * STUB standing in for the arch engineer's driver-error translator (issue 11) until main is
 * merged: same exported names; replaced by theirs at the merge, never kept beside it.
 */
type Coded = { code?: unknown; errno?: unknown };

const codeOf = (err: unknown): string => String((err as Coded | null)?.code ?? '');

export function isUniqueViolation(err: unknown): boolean {
  return /ER_DUP_ENTRY|SQLITE_CONSTRAINT_UNIQUE|SQLITE_CONSTRAINT_PRIMARYKEY/.test(codeOf(err));
}

export function isRetryable(err: unknown): boolean {
  return /ER_LOCK_DEADLOCK|ER_LOCK_WAIT_TIMEOUT|SQLITE_BUSY/.test(codeOf(err));
}

export function isConnectionLost(err: unknown): boolean {
  return /PROTOCOL_CONNECTION_LOST|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE/.test(codeOf(err));
}

export function describeDbError(err: unknown): string {
  const code = codeOf(err);
  if (isUniqueViolation(err)) return '数据库拒绝写入：唯一约束冲突';
  if (isRetryable(err)) return `数据库忙（${code}），请稍后重试`;
  if (isConnectionLost(err) || /ENOTFOUND|EHOSTUNREACH/.test(code)) return `无法连接数据库（${code}）`;
  if (/ER_ACCESS_DENIED|ER_DBACCESS_DENIED|ER_TABLEACCESS_DENIED|ER_SPECIFIC_ACCESS_DENIED/.test(code)) return `数据库拒绝访问：用户名、密码或权限不正确（${code}）`;
  if (/ER_BAD_DB_ERROR/.test(code)) return `数据库不存在（${code}）`;
  if (/ER_NO_SUCH_TABLE|ER_BAD_FIELD|SQLITE_ERROR/.test(code)) return `表或列不存在（${code}）`;
  if (/SQLITE_CANTOPEN|SQLITE_READONLY|SQLITE_PERM/.test(code)) return `无法打开数据库文件（${code}）`;
  if (/NOTNULL|BAD_NULL/.test(code)) return '数据库拒绝写入：必填列为空';
  if (/DATA_TOO_LONG|TOOBIG/.test(code)) return '数据库拒绝写入：值超出列长度';
  return `数据库错误（${code || (err instanceof Error ? err.name : 'error')}）`;
}
