/**
 * The portal's 事项 pages in headless Chromium: the list with materials and their 可免提交
 * state, one 事项's materials with what replaces them, and the 免提交率 report. Needs Debian's
 * /usr/bin/chromium (skipped with a warning when absent, failing under CI=true).
 */
import fs from 'node:fs';
import { chromium, Browser } from 'playwright-core';
import { catalogHarness, CatalogHarness } from '../../support/catalog';
import { departmentConsumer, GAJ, GSJ, grant, livePerson, POPULATION, syncRun } from './support';

const CHROMIUM = '/usr/bin/chromium';
const available = fs.existsSync(CHROMIUM);
if (!available && process.env.CI !== 'true') {
  // eslint-disable-next-line no-console
  console.warn(`matters portal test SKIPPED: ${CHROMIUM} is missing`);
}
const run = available || process.env.CI === 'true' ? describe : describe.skip;

run('the portal 事项 pages in headless Chromium', () => {
  let h: CatalogHarness;
  let browser: Browser;
  beforeAll(async () => {
    if (!available) throw new Error(`${CHROMIUM} is missing: CI must install chromium`);
    h = await catalogHarness('sqlite');
    const op = h.token({ sub: 'op', role: 'operator' });
    const add = (body: object) => h.call('POST', '/dprs/catalog/matters/XK137/materials', { token: op, body });
    await add({ name: '身份证明', items: ['姓名', '公民身份证号'], provider: GAJ, usage: '核验', purpose: '核验经营者身份' });
    await add({ name: '经营场所证明', items: ['不动产权证号'], provider: '周村国土资源分局', usage: '查询', purpose: '核对经营场所' });
    await departmentConsumer(h.ctx.db, 'gsj-window', GSJ);
    await grant(h.ctx.db, 'gsj-window', POPULATION, ['XM', 'GMSFZH']);
    await syncRun(h.ctx.db, 'population', 'full', 'succeeded');
    await livePerson(h.ctx.db);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('lists 事项 with materials, opens one, shows the report', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(h.url('/portal/#/matters'));
    await page.waitForSelector('#total');
    expect(await page.textContent('#total')).toContain('事项 共 1 项');
    expect(await page.locator('tr.matter td').allTextContents()).toEqual(['XK137', '个体工商户设立、变更、注销登记', '区工商局', '2', '1', '身份证明（可免提交）；经营场所证明（缺：无共享资源）']);

    await page.click('a.matter-link');
    await page.waitForSelector('#matter-name');
    const rows = await page.locator('tr.material').allTextContents();
    expect(rows[0]).toContain('可免提交');
    expect(rows[0]).toContain('人口户籍信息 · getRKHY');
    expect(rows[0]).toContain('姓名→XM，公民身份证号→GMSFZH');
    expect(rows[1]).toContain('缺：无共享资源');

    await page.goto(h.url('/portal/#/matters-report'));
    await page.waitForSelector('#total-rate');
    expect(await page.textContent('#total-rate')).toBe('全区：材料 2 项，可免提交 1 项，免提交率 50.0%，期间查询 0 次');
    expect(await page.locator('table.report-matters tr.matter td').allTextContents()).toEqual(['XK137', '个体工商户设立、变更、注销登记', '区工商局', '2', '1', '50.0%', '0']);
    expect(errors).toEqual([]);
  });
});
