/**
 * Purpose is a 事项: after X-Purpose is decoded (purpose.ts), a text of the form
 * `事项编码` or `事项编码|说明` (e.g. encodeURIComponent('XK137|张三申请个体工商户设立登记'))
 * names the 事项 the lookup is made for. The code must exist and the consumer's department
 * must implement it; the audit then records the code. Any other text is a free-text purpose,
 * accepted while PURPOSE_FREE_TEXT=allow (consumers not yet migrated) and refused when deny.
 */
import { keptWhileAccessStands } from '../catalog/access-cache';
import { findConsumer } from '../catalog/consumers';
import { getMatter } from '../catalog/matters/repository';
import { MATTER_CODE } from '../catalog/matters/rules';
import type { AppContext } from './context';
import { badParam } from '../core/result-codes';
import { PURPOSE_HEADER } from './purpose';

export interface MatterPurpose {
  /** the purpose as decoded, kept whole in the audit */
  text: string;
  matterCode: string | null;
}

/** The code part of a decoded purpose, or null when the text is free text. */
export function matterCodeOf(text: string): string | null {
  const bar = text.indexOf('|');
  // Stryker disable next-line EqualityOperator: a bar first leaves an empty head either way, or the whole text starting with a bar: no code
  const head = (bar < 0 ? text : text.slice(0, bar)).trim();
  return MATTER_CODE.test(head) ? head : null;
}

export async function resolveMatterPurpose(ctx: AppContext, consumerId: string, text: string): Promise<MatterPurpose> {
  const code = matterCodeOf(text);
  if (code === null) {
    if (ctx.config.purposeFreeText === 'deny') throw badParam(PURPOSE_HEADER, '须以事项编码开头：事项编码 或 事项编码|说明（百分号编码）');
    return { text, matterCode: null };
  }
  // 事项 and consumers are written only with the access version raised (a clerk names the same few all day)
  const refusal = await keptWhileAccessStands(ctx.db, `matter\u0000${consumerId}\u0000${code}`, () => matterRefusal(ctx, consumerId, code));
  if (refusal) throw badParam(PURPOSE_HEADER, refusal);
  return { text, matterCode: code };
}

/** Why the caller may not name this 事项, or null when it may. */
async function matterRefusal(ctx: AppContext, consumerId: string, code: string): Promise<string | null> {
  const [matter, consumer] = await Promise.all([getMatter(ctx.db, code), findConsumer(ctx.db, consumerId)]);
  if (!matter) return `事项编码 ${code} 不存在`;
  if (!consumer?.departmentCode || consumer.departmentCode !== matter.department_code) return `调用方所属部门不实施事项 ${code}，不能以该事项为由查询`;
  return null;
}
