import fs from 'node:fs';
import path from 'node:path';
import { gazetteText, parseDepartments, parseLicensingItems } from '../../catalog/gazette';

describe('the gazette seed', () => {
  it('is the same document as shared/seeds (when present)', () => {
    const shared = path.resolve(__dirname, '../../../shared/seeds/000_fa2b8a3229da8586.txt');
    if (!fs.existsSync(shared)) return; // the copy in catalog/seed is then the only one
    expect(gazetteText()).toBe(fs.readFileSync(shared, 'utf8'));
  });

  it('yields the 214 licensing items of 附件4 in order', () => {
    const items = parseLicensingItems();
    expect(items).toHaveLength(214);
    expect(items.map((i) => i.seq)).toEqual(Array.from({ length: 214 }, (_, i) => i + 1));
    expect(items[0]).toEqual({ seq: 1, department: '区发改局', name: '权限内企业投资项目核准', code: 'XK001' });
    expect(items[12]).toMatchObject({ department: '区公安分局', name: '公章刻制业特种行业许可证' });
    expect(items[213]).toEqual({ seq: 214, department: '区烟草专卖局', name: '烟草零售许可证', code: 'XK214' });
    for (const i of items) {
      expect(i.name).not.toMatch(/\t|^\s|\s$/);
      expect(i.department.length).toBeGreaterThan(2);
    }
  });

  it('fails loudly when the list is truncated', () => {
    const text = gazetteText().replace(/\n214\t区烟草专卖局\t烟草零售许可证/, '');
    expect(() => parseLicensingItems(text)).toThrow(/declares 214 items, parsed 213/);
  });

  it('names the departments, the operator included, with stable codes', () => {
    const deps = parseDepartments();
    const names = deps.map((d) => d.name);
    expect(names).toEqual(expect.arrayContaining(['区公安分局', '区工商局', '区人社局', '区电政信息中心']));
    expect(new Set(deps.map((d) => d.code)).size).toBe(deps.length);
    expect(deps.find((d) => d.name === '区电政信息中心')?.kind).toBe('运营');
    expect(deps[0]).toEqual({ code: 'ZC001', name: '区发改局', kind: '部门' });
  });
});
