/**
 * GB 32100-2015 统一社会信用代码: the first character is the 登记管理部门码, the second the
 * 机构类别码 within that authority (table written from the standard and its later additions
 * of A and N; Y is "other").
 */
export interface RegistrationAuthority {
  name: string;
  categories: Record<string, string>;
}

export const REGISTRATION_AUTHORITIES: Record<string, RegistrationAuthority> = {
  '1': { name: '机构编制', categories: { '1': '机关', '2': '事业单位', '3': '中央编办直接管理机构编制的群众团体', '9': '其他' } },
  '2': { name: '外交', categories: { '1': '外国常驻新闻机构', '9': '其他' } },
  '3': { name: '司法行政', categories: { '1': '律师执业机构', '2': '公证处', '3': '基层法律服务所', '4': '司法鉴定机构', '5': '仲裁委员会', '9': '其他' } },
  '4': { name: '文化', categories: { '1': '外国在华文化中心', '9': '其他' } },
  '5': { name: '民政', categories: { '1': '社会团体', '2': '民办非企业单位', '3': '基金会', '9': '其他' } },
  '6': { name: '旅游', categories: { '1': '外国旅游部门常驻代表机构', '2': '港澳台地区旅游部门常驻内地（大陆）代表机构', '9': '其他' } },
  '7': { name: '宗教', categories: { '1': '宗教活动场所', '2': '宗教院校', '9': '其他' } },
  '8': { name: '工会', categories: { '1': '基层工会', '9': '其他' } },
  '9': { name: '工商', categories: { '1': '企业', '2': '个体工商户', '3': '农民专业合作社' } },
  A: { name: '中央军委改革和编制办公室', categories: { '1': '军队事业单位', '9': '其他' } },
  N: { name: '农业', categories: { '1': '组级集体经济组织', '2': '村级集体经济组织', '3': '乡镇级集体经济组织', '9': '其他' } },
  Y: { name: '其他', categories: { '1': '其他' } },
};

/**
 * The 登记管理部门码 and 机构类别码 an organisation type (机构类型, free text as registries
 * write it) implies, or null when the text says too little to judge. First match wins: the
 * more specific wording comes first.
 */
const TYPE_PATTERNS: Array<[RegExp, string, string]> = [
  [/个体/, '9', '2'],
  [/农民专业合作社/, '9', '3'],
  [/军队/, 'A', '1'],
  [/组级集体经济组织/, 'N', '1'],
  [/村级集体经济组织/, 'N', '2'],
  [/乡镇级集体经济组织/, 'N', '3'],
  [/基金会/, '5', '3'],
  [/民办非企业|社会服务机构/, '5', '2'],
  [/社会团体|协会|学会|商会/, '5', '1'],
  [/律师/, '3', '1'],
  [/公证/, '3', '2'],
  [/基层法律服务/, '3', '3'],
  [/司法鉴定/, '3', '4'],
  [/仲裁/, '3', '5'],
  [/宗教院校/, '7', '2'],
  [/宗教活动场所/, '7', '1'],
  [/工会/, '8', '1'],
  [/事业单位/, '1', '2'],
  [/机关/, '1', '1'],
  [/公司|企业|合伙|独资|分支机构/, '9', '1'],
];

export function impliedCodePrefix(organisationType: string): { authority: string; category: string } | null {
  for (const [pattern, authority, category] of TYPE_PATTERNS) if (pattern.test(organisationType)) return { authority, category };
  return null;
}

/** "91（工商·企业）": what the first two characters of a credit code say. */
export function describeCodePrefix(authority: string, category: string): string {
  const a = REGISTRATION_AUTHORITIES[authority];
  return `${authority}${category}（${a ? `${a.name}·${a.categories[category] ?? '未知类别'}` : '未知登记管理部门'}）`;
}
