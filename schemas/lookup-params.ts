/**
 * JSON Schemas (ajv, draft-07) of each lookup method's parameters, exactly the names of the
 * 附件3 template. They check shape only; the check digits (GB 11643 / GB 32100) are applied
 * after them by gateway/lookups/validation.ts. They also feed the OpenAPI document later.
 */
export type JsonSchema = Record<string, unknown>;

const name = { type: 'string', description: '姓名', minLength: 1, maxLength: 64 };
const idNumber = { type: 'string', description: '公民身份号码（18位，15位旧号自动升位）', minLength: 1, maxLength: 18 };
const creditCode = { type: 'string', description: '统一社会信用代码（18位）', minLength: 1, maxLength: 18 };
const licenceNumber = { type: 'string', description: '证照编号', minLength: 1, maxLength: 64 };
const holderCode = { type: 'string', description: '持证主体代码（统一社会信用代码或公民身份号码）', minLength: 1, maxLength: 18 };

/** 姓名 + 公民身份号码: the parameters of getRKZP, getRKHY and each batchRKHY item. */
function personQuery(id: string, title: string): JsonSchema {
  return {
    $id: `dprs:params/${id}`,
    title,
    type: 'object',
    properties: { xm: name, gmsfzh: idNumber },
    required: ['xm', 'gmsfzh'],
    additionalProperties: false,
  };
}

/** Largest batchRKHY request. */
const BATCH_RKHY_MAX_ITEMS = 1000;

export const PARAM_SCHEMAS: Record<string, JsonSchema> = {
  getRKZP: personQuery('getRKZP', '人口户籍信息 getRKZP'),
  getRKHY: personQuery('getRKHY', '身份核验 getRKHY'),
  batchRKHY: {
    $id: 'dprs:params/batchRKHY',
    title: '批量身份比对 batchRKHY',
    type: 'object',
    properties: {
      // each item is checked on its own (a bad item gets its own result), so only "an object" here
      items: { type: 'array', minItems: 1, maxItems: BATCH_RKHY_MAX_ITEMS, items: { type: 'object' } },
    },
    required: ['items'],
    additionalProperties: false,
  },
  batchRKHYItem: personQuery('batchRKHYItem', '批量身份比对的一项'),
  getFRXX: {
    $id: 'dprs:params/getFRXX',
    title: '法人单位信息 getFRXX（统一社会信用代码或机构名称全称，二选一）',
    type: 'object',
    properties: { tyshxydm: creditCode, jgmc: { type: 'string', description: '机构名称（全称，精确匹配）', minLength: 1, maxLength: 256 } },
    oneOf: [{ required: ['tyshxydm'] }, { required: ['jgmc'] }],
    additionalProperties: false,
  },
  getDZZZ: {
    $id: 'dprs:params/getDZZZ',
    title: '电子证照信息 getDZZZ（证照编号，或持证主体代码加可选的证照类型代码）',
    type: 'object',
    properties: { zzbh: licenceNumber, czztdm: holderCode, zzlxdm: { type: 'string', description: '证照类型代码', minLength: 1, maxLength: 16 } },
    oneOf: [{ required: ['zzbh'] }, { required: ['czztdm'] }],
    // zzlxdm only narrows a holder query
    not: { required: ['zzbh', 'zzlxdm'] },
    additionalProperties: false,
  },
  getDZZZHY: {
    $id: 'dprs:params/getDZZZHY',
    title: '证照核验 getDZZZHY',
    type: 'object',
    properties: { zzbh: licenceNumber, czztdm: holderCode },
    required: ['zzbh', 'czztdm'],
    additionalProperties: false,
  },
};
