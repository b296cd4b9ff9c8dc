/**
 * Smaller items of issue 10 on the catalogue: method names every JavaScript object answers
 * to are refused at registration, and department-written text in the Markdown 数据接口说明文档
 * is shown as text (no raw HTML, no links, no way out of the example's code block).
 */
import { STORAGE_TARGETS } from '../../support/databases';
import { catalogHarness, CatalogHarness, sampleRegistration } from '../../support/catalog';

const HOSTILE = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '[点我](javascript:alert(1))', '```\n<b>逃出代码块</b>\n```'];

describe.each(STORAGE_TARGETS)('catalogue input on %s', (target) => {
  let h: CatalogHarness;
  let dept: string;
  let operator: string;
  beforeAll(async () => {
    h = await catalogHarness(target);
    dept = h.token({ sub: 'rs', role: 'department', dept: 'ZC010' });
    operator = h.token({ sub: 'op', role: 'operator' });
  });
  afterAll(() => h.close());

  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'toLocaleString', '__proto__'])('refuses the method name %s, naming the field', async (method) => {
    const reg = sampleRegistration({ code: '301010/00002', interfaces: [{ method, name: '保留名', function: '测试', params: [] }] });
    const r = await h.call('POST', '/dprs/catalog/resources', { token: dept, body: reg });
    expect(r.status).toBe(400);
    expect(r.body.data).toEqual([expect.objectContaining({ field: 'interfaces.0.method' })]);
    expect(await h.ctx.db('resources').where({ code: '301010/00002' }).first()).toBeUndefined();
    const doc = await h.call('GET', `/dprs/catalog/interfaces/${method}/document?format=md`);
    expect(doc.status).toBe(404);
  });

  it('escapes raw HTML and Markdown syntax written by a department', async () => {
    const reg = sampleRegistration({
      name: `社保参保信息${HOSTILE[0]}`,
      items: [
        { field: 'GMSFZH', name: '公民身份号码', data_type: 'C', length: 18, sensitive: true, description: HOSTILE[1] },
        { field: 'CBZT', name: `参保状态${HOSTILE[3]}`, data_type: 'C', length: 2, sensitive: false },
      ],
      interfaces: [{ method: 'getSBCB', name: '社保参保信息', function: HOSTILE[2], remark: HOSTILE[1], params: [{ name: 'gmsfzh', description: HOSTILE[0], data_type: '字符串', requirement: 'a|b' }] }],
    });
    expect((await h.call('POST', '/dprs/catalog/resources', { token: dept, body: reg })).status).toBe(200);
    expect((await h.call('POST', '/dprs/catalog/resources/301010/00001/publish', { token: operator })).status).toBe(200);
    const md = await (await fetch(h.url('/dprs/catalog/interfaces/getSBCB/document?format=md'))).text();
    // the example (no library behind getSBCB: item names) sits in a fence its text cannot close
    const example = /^(`{3,})json\n([\s\S]*?)\n\1$/m.exec(md);
    expect(example).not.toBeNull();
    const longestInside = Math.max(0, ...(example![2].match(/`+/g) ?? []).map((r) => r.length));
    expect(example![1].length).toBeGreaterThan(longestInside);
    // outside it, the only HTML is our own line break
    const text = md.replace(example![0], '');
    expect(text).not.toMatch(/<script|<img|<b>/i);
    expect(text.replace(/<br>/g, '')).not.toMatch(/<[a-z]/i);
    expect(text).not.toMatch(/(^|[^\\])\]\(javascript:/); // a link needs an unescaped ]
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(md).toContain('\\[点我\\](javascript:alert(1))');
    expect(md).toContain('a\\|b');
  });
});
