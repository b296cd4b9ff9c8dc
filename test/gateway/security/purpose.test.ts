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
import { entity, person } from '../../../scripts/demo/records';
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

  it('checks the header before decoding it: present, not blank, printable ASCII only', () => {
    expect(reason('   ')).toContain('缺少事由');
    expect(reason('')).toContain('缺少事由');
    expect(reason('\t%E5%8A%9E')).toContain('须为百分号编码');
    expect(reason('%E5%8A%9E\u007f')).toContain('须为百分号编码');
    expect(reason(' !~')).toBe('ok');
    expect(parsePurpose('%20%E5%8A%9E%E7%90%86%20')).toBe('办理');
    expect(reason('%20%20')).toBe('参数错误：X-Purpose 事由不能为空');
    expect(reason(enc('办'.repeat(200)))).toBe('ok');
  });

  it('refuses every bidi control, and only those', () => {
    for (const c of ['\u061c', '\u200e', '\u200f', '\u202a', '\u202c', '\u202e', '\u2066', '\u2068', '\u2069']) {
      expect([c.codePointAt(0), reason(enc(`办理${c}居住证`))]).toEqual([c.codePointAt(0), '参数错误：X-Purpose 含双向文本控制字符']);
    }
    for (const c of ['\u061b', '\u200d', '\u2029', '\u202f', '\u2065', '\u2070']) expect([c.codePointAt(0), reason(enc(`办理${c}居住证`))]).toEqual([c.codePointAt(0), 'ok']);
  });

  it('an ID number is the GB 11643 shape: area code not starting with 0, a birth date of 18xx–20xx with a real month and day', () => {
    const id = person(1, 0).GMSFZH; // 18 digits, born 1935-01-01
    const at = (s: string, i: number, part: string) => s.slice(0, i) + part + s.slice(i + part.length);
    const refused = '参数错误：X-Purpose 不得包含公民身份号码';
    for (const [year, month, day] of [['18', '12', '31'], ['20', '10', '10'], ['19', '01', '20'], ['19', '09', '29'], ['19', '11', '30'], ['19', '02', '19']]) {
      const v = at(at(at(id, 6, year), 10, month), 12, day);
      expect([v, reason(enc(`核验${v}`))]).toEqual([v, refused]);
      const legacy = v.slice(0, 6) + v.slice(8, 17);
      expect([legacy, reason(enc(`核验${legacy}`))]).toEqual([legacy, refused]);
    }
    // one rule of the shape broken at a time, in a number none of whose 15 consecutive digits
    // reads as a legacy number either (its day, 30, is followed by a 0)
    const plain = '370321193512300199';
    expect(reason(enc(plain))).toBe(refused);
    for (const v of [at(plain, 0, '0'), at(plain, 6, '17'), at(plain, 6, '21'), at(plain, 10, '00'), at(plain, 10, '13'), at(plain, 12, '00'), at(plain, 12, '32'), plain.slice(0, 17) + 'Z']) {
      expect([v, reason(enc(`核验${v}号`))]).toEqual([v, 'ok']);
    }
    const legacy = plain.slice(0, 6) + plain.slice(8, 17);
    expect(reason(enc(legacy))).toBe(refused);
    for (const v of [at(legacy, 0, '0'), at(legacy, 8, '00'), at(legacy, 8, '13'), at(legacy, 10, '00'), at(legacy, 10, '32')]) {
      expect([v, reason(enc(`核验${v}号`))]).toEqual([v, 'ok']);
    }
    for (const dash of ['-', '‐', '‑', '‒', '–', '—', '―']) {
      const v = `${id.slice(0, 6)}${dash}${id.slice(6, 14)}${dash}${id.slice(14)}`;
      expect([dash, reason(enc(v))]).toEqual([dash, refused]);
    }
  });

  it('finds a valid credit code wherever it starts, even inside a longer run of its characters', () => {
    const code = entity(1, 0).TYSHXYDM;
    for (const before of ['', 'A', '9A', 'QQQQQQQQQQQQQQQQQ']) {
      expect([before, reason(enc(`核验${before}${code}`))]).toEqual([before, expect.stringMatching(/不得包含(统一社会信用代码|公民身份号码)/)]);
    }
    // one character changed: no longer a valid code, so an ordinary text
    const wrong = code.slice(0, 17) + (code[17] === 'A' ? 'B' : 'A');
    expect(reason(enc(`核验${wrong}`))).toBe('ok');
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

  it('answers a purpose it accepted before as it did, and still refuses one that differs from it by a character, however many it has seen', () => {
    const accepted = enc('办理营业执照 第7号');
    expect(parsePurpose(accepted)).toBe('办理营业执照 第7号');
    for (let i = 0; i < 2500; i++) expect(parsePurpose(enc(`窗口受理 ${i}`))).toBe(`窗口受理 ${i}`);
    expect(parsePurpose(accepted)).toBe('办理营业执照 第7号');
    // the same text with a bidi control, or with an ID number in it: never the accepted text's answer
    expect(reason(enc('办理营业执照 第7号\u202e'))).toContain('双向');
    expect(reason(enc(`办理营业执照 ${person(1, 3).GMSFZH}`))).toContain('公民身份号码');
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
