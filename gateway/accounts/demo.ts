/**
 * The demo's people, made on first start: an officer of 区公安分局 (provider of 人口户籍信息),
 * an operator, an auditor and a clerk at the demo window system. Their one-time passwords are
 * returned only when the accounts are created, so the banner shows them on the first start only.
 */
import type { Db } from '../../core/db';
import { departmentCodeByName } from '../../catalog/gazette';
import { addAccount, findAccount, ROLE_NAMES } from './accounts';

export interface DemoCredential {
  username: string;
  roleName: string;
  password: string;
}

export async function ensureDemoAccounts(db: Db, clerkConsumerId: string): Promise<DemoCredential[]> {
  const wanted = [
    { username: 'gaj-officer', displayName: '公安分局管理员', role: 'officer', departmentCode: departmentCodeByName('区公安分局') },
    { username: 'operator', displayName: '电政中心运维', role: 'operator' },
    { username: 'auditor', displayName: '审计员', role: 'auditor' },
    { username: 'window-clerk', displayName: '一窗受理窗口', role: 'clerk', consumerId: clerkConsumerId },
  ] as const;
  const created: DemoCredential[] = [];
  for (const w of wanted) {
    if (await findAccount(db, w.username)) continue;
    const r = await addAccount(db, w);
    created.push({ username: w.username, roleName: ROLE_NAMES[r.account.role], password: r.password });
  }
  return created;
}
