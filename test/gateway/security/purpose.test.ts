/**
 * Every purpose rule: readable text only (no purpose made of invisible characters, no bidi
 * tricks, no controls), and no identifier in clear (an ID number or a credit code in the
 * purpose would sit unhashed in the audit).
 */
import { parsePurpose } from '../../../gateway/purpose';
import { startServer, RunningServer } from '../../../scripts/app/server';
import { STORAGE_TARGETS } from '../../support/databases';
import { testContext, TestContext } from '../../support/context';
import { Fixtures, insertFixtures, postJson, tokenFor } from '../../support/lookups';
import { validCreditCode, validIdNumber } from '../../support/fuzz';
import fc from 'fast-check';
import { verifyChain } from '../../../gateway/auditing/store';
import { auditChainKey } from '../../../gateway/auditing/chain';

const enc = encodeURIComponent;
const reason = (raw: string | undefined) => {
  try {
    parsePurpose(raw);
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  }
};

describe('purpose rules', () => {
  it.each([
    ['plain', enc('办理居住证'), 'ok'],
    ['with digits that are no identifier', enc('2024年第3批 受理号 A1234567'), 'ok'],
    ['a phone number', enc('联系 13800138000'), 'ok'],
    ['missing', undefined, '缺少事由'],
    ['not percent-encoded', '办理', '须为百分号编码'],
    ['undecodable', '%E5%8A', '无法解码'],
    ['an encoded unpaired surrogate', '%ED%A0%80', '无法解码'],
    ['over 200 characters', enc('办'.repeat(201)), '不能超过200个字符'],
    ['200 emoji are 200 characters', enc('😀'.repeat(200)), 'ok'],
    ['zero-width only', enc('\u200b\u200c\u200d\u2060'), '不能为空'],
    ['BOM and soft hyphen only', enc('\ufeff\u00ad'), '不能为空'],
    ['ideographic and no-break spaces only', enc('\u3000\u00a0\u2003'), '不能为空'],
    ['Hangul filler and braille blank only', enc('\u3164\u2800'), '不能为空'],
    ['variation selectors and tag characters only', enc('\ufe0f\u{e0041}\u{e0042}'), '不能为空'],
    ['a right-to-left override', enc('办理\u202e证住居'), '双向文本控制字符'],
    ['an isolate', enc('办理\u2067x\u2069'), '双向文本控制字符'],
    ['a control character', enc('办理\u0007'), '含控制字符'],
    ['a C1 control character', enc('办理\u0085'), '含控制字符'],
  ])('%s', (_label, raw, expected) => {
    expect(reason(raw)).toContain(expected);
  });

  it('refuses any ID number, 18 or 15 digits, however written', () => {
    fc.assert(
      fc.property(validIdNumber, fc.constantFrom('', '为', 'gmsfzh:'), (id, before) => {
        const variants = [
          id,
          id.slice(0, 17) + (id[17] === '0' ? '1' : '0'), // a wrong check character is still a number
          id.slice(0, 6) + id.slice(8, 17), // the 15-digit form
          id.replace(/[0-9X]/g, (c) => String.fromCodePoint(c.codePointAt(0)! - 0x30 + 0xff10)).replace('\uff28', 'Ｘ'), // full width
          `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`,
          `${id.slice(0, 6)}-${id.slice(6, 14)}-${id.slice(14)}`,
          id.slice(0, 9) + '\u200b' + id.slice(9),
          id.toLowerCase(),
        ];
        for (const v of variants) expect(reason(enc(`${before}${v}办理`))).toContain('不得包含公民身份号码');
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a valid credit code, upper or lower case', () => {
    fc.assert(
      fc.property(validCreditCode, (code) => {
        const r = reason(enc(`核验企业${code}`));
        // a credit code whose body happens to have the ID shape is refused as one: either way it is refused
        expect(r).toMatch(/不得包含(统一社会信用代码|公民身份号码)/);
        expect(reason(enc(`核验企业${code.toLowerCase()}`))).toMatch(/不得包含/);
      }),
      { numRuns: 200 },
    );
  });

  it('is linear on the longest header', () => {
    const t = performance.now();
    for (const s of ['1'.repeat(8000), 'A1'.repeat(4000), '%E2%80%8B'.repeat(900)]) reason(s);
    expect(performance.now() - t).toBeLessThan(200);
  });
});

describe.each(STORAGE_TARGETS)('a refused purpose never reaches the audit on %s', (target) => {
  let ctx: TestContext;
  let server: RunningServer;
  let fx: Fixtures;
  let base: string;
  beforeAll(async () => {
    ctx = await testContext(target);
    fx = await insertFixtures(ctx.db);
    server = await startServer(ctx, { port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
    await ctx.dispose();
  });

  it('400 naming X-Purpose; the row is written without the purpose', async () => {
    const headers = { authorization: `Bearer ${tokenFor(ctx.config)}`, 'x-purpose': enc(`核验${fx.alice.gmsfzh}`) };
    const r = await postJson(base, 'getRKHY', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }, headers);
    expect(r.status).toBe(400);
    expect(r.body.msg).toBe('参数错误：X-Purpose 不得包含公民身份号码');
    await ctx.audit.flush();
    expect(JSON.stringify(await ctx.db('audit_log'))).not.toContain(fx.alice.gmsfzh);
    const invisible = await postJson(base, 'getRKHY', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }, { ...headers, 'x-purpose': enc('\u200b\u202f') });
    expect(invisible.body.msg).toBe('参数错误：X-Purpose 事由不能为空（不计不可见字符）');
  });

  it('an emoji purpose cut nowhere inside a surrogate pair: the chain still verifies', async () => {
    const headers = { authorization: `Bearer ${tokenFor(ctx.config)}`, 'x-purpose': enc('a' + '😀'.repeat(150)) };
    const r = await postJson(base, 'getRKHY', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }, headers);
    expect(r.status).toBe(200);
    await ctx.audit.flush();
    const last = await ctx.db('audit_log').orderBy('id', 'desc').first();
    expect(last.purpose).toBe('a' + '😀'.repeat(150));
    expect(await verifyChain(ctx.db, auditChainKey(ctx.config.auditKey))).toMatchObject({ ok: true });
  });
});
