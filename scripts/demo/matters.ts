/**
 * Demo 事项数据需求清单: materials for a few of the 214 licensing items and two department
 * systems with grants, so the 免提交率 report means something on first start: some materials
 * are covered by the base libraries and granted, some lack a grant, some have no resource.
 * Idempotent: a 事项 that already has materials, a consumer or a grant that exists, is kept.
 */
import type { Db } from '../../core/db';
import { addConsumer, findConsumer } from '../../catalog/consumers';
import { departmentCodeByName } from '../../catalog/gazette';
import { activeGrants, createGrant } from '../../catalog/grants';
import { getMatter, insertMaterial, materialsOf, MaterialInput } from '../../catalog/matters/repository';

const PERSON = ['姓名', '公民身份证号'];

function material(name: string, items: string[], provider: string, usage: MaterialInput['usage'], purpose: string): MaterialInput {
  return { name, items, provider_code: departmentCodeByName(provider), usage, purpose };
}

/** 事项编码 → its materials as a department would list them in the 调研表. */
function demoMaterials(): Record<string, MaterialInput[]> {
  return {
    XK137: [ // 个体工商户设立、变更、注销登记 (区工商局)
      material('身份证明', PERSON, '区公安分局', '核验', '核验经营者身份'),
      material('经营场所证明', ['不动产权证号', '房屋坐落'], '周村国土资源分局', '查询', '核对经营场所权属'),
    ],
    XK145: [ // 食品经营许可 (区食药局)
      material('营业执照', ['统一社会信用代码', '机构名称', '法定代表人'], '区工商局', '查询', '核对申请人主体资格'),
      material('身份证明', PERSON, '区公安分局', '核验', '核验法定代表人身份'),
      material('从业人员健康证明', ['健康证编号', '体检结论'], '区卫计局', '核验', '核验从业人员健康状况'),
    ],
    XK196: [ // 不动产登记 (周村国土资源分局)
      material('身份证明', PERSON, '区公安分局', '核验', '核验申请人身份'),
      material('居民户口簿', [...PERSON, '户籍地'], '区公安分局', '查询', '核对家庭成员与户籍'),
      material('婚姻状况证明', ['婚姻状况', '登记日期'], '区民政局', '查询', '确认共有人'),
    ],
  };
}

/** Department systems and the items they were granted (resource code → items). */
const DEMO_SYSTEMS = [
  { id: 'zc-gsj-djxt', name: '区工商局登记注册系统', department: '区工商局', grants: { '101001/00001': ['XM', 'GMSFZH'] } },
  { id: 'zc-syj-xkxt', name: '区食药局许可审批系统', department: '区食药局', grants: { '102001/00001': ['TYSHXYDM', 'JGMC', 'FDDBR'] } },
];

export async function ensureDemoMatters(db: Db): Promise<number> {
  for (const s of DEMO_SYSTEMS) {
    if (!(await findConsumer(db, s.id))) await addConsumer(db, { id: s.id, name: s.name, departmentCode: departmentCodeByName(s.department), methods: ['getRKHY', 'getRKZP', 'getFRXX'] });
    for (const [resource, items] of Object.entries(s.grants)) {
      if ((await activeGrants(db, s.id, resource)).length === 0) {
        await createGrant(db, { consumer_id: s.id, resource_code: resource, application_id: null, items, masked_items: [], expires_at: null });
      }
    }
  }
  let added = 0;
  for (const [code, list] of Object.entries(demoMaterials())) {
    if (!(await getMatter(db, code)) || (await materialsOf(db, [code])).length > 0) continue;
    for (const m of list) await insertMaterial(db, code, m);
    added += list.length;
  }
  return added;
}
