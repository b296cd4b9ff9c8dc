/**
 * Workbench accounts (people, not systems): the repository and the rules about them —
 * usernames, the password rule, one-time passwords, which role is bound to what.
 */
import crypto from 'node:crypto';
import type { Db } from '../../core/db';
import { ApiError } from '../../core/result-codes';
import { hashSecret } from '../../catalog/secrets';
import { matchTotp, newTotpSecret } from './totp';

export const ROLES = ['officer', 'operator', 'clerk', 'auditor'] as const;
export type AccountRole = (typeof ROLES)[number];
export const ROLE_NAMES: Record<AccountRole, string> = { officer: '部门管理员', operator: '运维管理员', clerk: '窗口工作人员', auditor: '审计员' };

/** Roles that administer or inspect the exchange: a second factor (TOTP) for them, each enrolling their own authenticator. */
export const TOTP_ROLES: readonly AccountRole[] = ['operator', 'auditor'];

export interface Account {
  username: string;
  displayName: string;
  role: AccountRole;
  departmentCode: string | null;
  consumerId: string | null;
  mustChangePassword: boolean;
  hasTotp: boolean;
  failures: number;
  lockedUntil: number | null;
  disabled: boolean;
  createdAt: number;
}

export interface AccountRow {
  username: string;
  display_name: string;
  role: AccountRole;
  department_code: string | null;
  consumer_id: string | null;
  password_hash: string;
  must_change_password: number | boolean;
  totp_secret: string | null;
  totp_pending_secret?: string | null;
  totp_last_step: number | string | null;
  failures: number;
  locked_until: number | string | null;
  disabled: number | boolean;
  created_at: number | string;
  updated_at: number | string;
}

export function toAccount(r: AccountRow): Account {
  return {
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    departmentCode: r.department_code,
    consumerId: r.consumer_id,
    mustChangePassword: Boolean(r.must_change_password),
    hasTotp: r.totp_secret !== null,
    failures: Number(r.failures),
    lockedUntil: r.locked_until === null ? null : Number(r.locked_until),
    disabled: Boolean(r.disabled),
    createdAt: Number(r.created_at),
  };
}

export async function accountRow(db: Db, username: string): Promise<AccountRow | null> {
  return ((await db('accounts').where({ username }).first()) as AccountRow | undefined) ?? null;
}

export async function findAccount(db: Db, username: string): Promise<Account | null> {
  const row = await accountRow(db, username);
  return row ? toAccount(row) : null;
}

export async function listAccounts(db: Db): Promise<Account[]> {
  return ((await db('accounts').orderBy('username')) as AccountRow[]).map(toAccount);
}

const USERNAME = /^[a-z][a-z0-9._-]{2,31}$/;

/** The password rule: 10–128 characters, three of upper case, lower case, digits, symbols, not the username. */
export function passwordProblem(password: unknown, username: string): string | null {
  if (typeof password !== 'string' || password.length < 10 || password.length > 128) return '密码长度应为 10–128 个字符';
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) return '密码须包含大写字母、小写字母、数字、符号中的至少三类';
  if (password.toLowerCase().includes(username.toLowerCase())) return '密码不能包含用户名';
  return null;
}

const OTP_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A one-time password that satisfies the rule: three groups of four, e.g. "Hk3q-9TzR-mw2F". */
export function newOneTimePassword(username: string): string {
  for (;;) {
    const bytes = crypto.randomBytes(12);
    const chars = [...bytes].map((b) => OTP_ALPHABET[b % OTP_ALPHABET.length]).join('');
    const pw = `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
    if (passwordProblem(pw, username) === null) return pw;
  }
}

export interface NewAccount {
  username: string;
  displayName?: string;
  role: string;
  departmentCode?: string | null;
  consumerId?: string | null;
  /** a chosen password (tests); otherwise a one-time password is generated and must be changed */
  password?: string;
}

/** Checks a new account and says what is wrong at its field. */
async function checkNew(db: Db, a: NewAccount): Promise<void> {
  if (typeof a.username !== 'string' || !USERNAME.test(a.username)) throw new ApiError('BAD_PARAM', '用户名应为 3–32 位小写字母、数字或 . _ -，以字母开头', 'username');
  if (!ROLES.includes(a.role as AccountRole)) throw new ApiError('BAD_PARAM', `角色应为 ${ROLES.join(' / ')} 之一`, 'role');
  if (a.displayName !== undefined && (typeof a.displayName !== 'string' || a.displayName.trim() === '' || a.displayName.length > 64)) throw new ApiError('BAD_PARAM', '姓名应为 1–64 个字符', 'display_name');
  if (a.role === 'officer') {
    if (!a.departmentCode || !(await db('departments').where({ code: a.departmentCode }).first('code'))) throw new ApiError('BAD_PARAM', '部门管理员须绑定已登记的部门', 'department_code');
  } else if (a.departmentCode) throw new ApiError('BAD_PARAM', '只有部门管理员绑定部门', 'department_code');
  if (a.role === 'clerk') {
    if (!a.consumerId || !(await db('consumers').where({ id: a.consumerId }).first('id'))) throw new ApiError('BAD_PARAM', '窗口工作人员须绑定已登记的调用方系统', 'consumer_id');
  } else if (a.consumerId) throw new ApiError('BAD_PARAM', '只有窗口工作人员绑定调用方系统', 'consumer_id');
  if (a.password !== undefined) {
    const problem = passwordProblem(a.password, a.username);
    if (problem) throw new ApiError('BAD_PARAM', problem, 'password');
  }
  if (await db('accounts').where({ username: a.username }).first('username')) throw new ApiError('BAD_PARAM', `用户名 ${a.username} 已存在`, 'username');
}

/** Creates an account; returns the one-time password to hand over (shown once). Its TOTP the person enrols. */
export async function addAccount(db: Db, a: NewAccount, now = Date.now()): Promise<{ account: Account; password: string }> {
  await checkNew(db, a);
  const role = a.role as AccountRole;
  const password = a.password ?? newOneTimePassword(a.username);
  await db('accounts').insert({
    username: a.username,
    display_name: a.displayName?.trim() || a.username,
    role,
    department_code: a.departmentCode ?? null,
    consumer_id: a.consumerId ?? null,
    password_hash: hashSecret(password),
    must_change_password: a.password === undefined,
    totp_secret: null,
    totp_last_step: null,
    failures: 0,
    locked_until: null,
    disabled: false,
    created_at: now,
    updated_at: now,
  });
  return { account: (await findAccount(db, a.username))!, password };
}

async function mustExist(db: Db, username: string): Promise<void> {
  if (!(await db('accounts').where({ username }).first('username'))) throw new ApiError('NOT_FOUND', `账号 ${username} 不存在`, 'username');
}

/** Disabling also ends the account's sessions. */
export async function setAccountDisabled(db: Db, username: string, disabled: boolean): Promise<Account> {
  await mustExist(db, username);
  await db.transaction(async (trx) => {
    await trx('accounts').where({ username }).update({ disabled, updated_at: Date.now() });
    if (disabled) await trx('sessions').where({ username }).delete();
  });
  return (await findAccount(db, username))!;
}

/**
 * A new one-time password, and the TOTP enrolment undone (a reset is what follows a lost phone
 * too: the person enrols again at the next sign-in); unlocks the account and ends its sessions.
 */
export async function resetAccount(db: Db, username: string): Promise<{ account: Account; password: string }> {
  await mustExist(db, username);
  const password = newOneTimePassword(username);
  await db.transaction(async (trx) => {
    await trx('accounts').where({ username }).update({
      password_hash: hashSecret(password), must_change_password: true, totp_secret: null, totp_pending_secret: null, totp_last_step: null,
      failures: 0, locked_until: null, updated_at: Date.now(),
    });
    await trx('sessions').where({ username }).delete();
  });
  return { account: (await findAccount(db, username))!, password };
}

/**
 * The first step of enrolling an authenticator: a fresh secret, kept pending until a code
 * from it is confirmed. Only operator and auditor accounts, and only before one is enrolled
 * (a lost phone goes through the operator's reset).
 */
export async function startTotpEnrolment(db: Db, username: string): Promise<string> {
  const row = await accountRow(db, username);
  if (!row) throw new ApiError('NOT_FOUND', `账号 ${username} 不存在`, 'username');
  if (!TOTP_ROLES.includes(row.role)) throw new ApiError('FORBIDDEN', '只有运维管理员和审计员使用动态口令');
  if (row.totp_secret) throw new ApiError('BAD_PARAM', '已绑定动态口令；更换手机请联系运维管理员重置账号', 'totp');
  const secret = newTotpSecret();
  await db('accounts').where({ username }).update({ totp_pending_secret: secret, updated_at: Date.now() });
  return secret;
}

/** The second step: a code from the pending secret makes it the account's; that code is then used up. */
export async function confirmTotpEnrolment(db: Db, username: string, code: unknown, now = Date.now()): Promise<void> {
  const row = await accountRow(db, username);
  if (!row?.totp_pending_secret) throw new ApiError('BAD_PARAM', '请先获取动态口令密钥', 'totp');
  const step = typeof code === 'string' ? matchTotp(row.totp_pending_secret, code.trim(), now) : null;
  if (step === null) throw new ApiError('BAD_PARAM', '动态口令不正确，请核对手机时间后重试', 'code');
  const n = await db('accounts').where({ username, totp_pending_secret: row.totp_pending_secret }).whereNull('totp_secret')
    .update({ totp_secret: row.totp_pending_secret, totp_pending_secret: null, totp_last_step: step, updated_at: now });
  if (n !== 1) throw new ApiError('BAD_PARAM', '已绑定动态口令', 'totp');
}
