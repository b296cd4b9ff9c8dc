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

/** The parameter of a generic lookup as its declaration and its item describe it. */
export interface DeclaredParam {
  name: string;
  /** the item's 信息项名称, e.g. 公民身份号码 */
  itemName: string;
  /** the item's length (characters), if declared */
  itemLength?: number;
  required?: boolean;
  check?: string;
  date_format?: string;
  code_list?: string;
  codes?: string[];
}

/** Longest value a checked parameter can have before it is canonicalised (15-digit IDs grow). */
const CHECKED_MAX_LENGTH: Record<string, number> = { 公民身份号码: 18, 统一社会信用代码: 18, 持证主体代码: 18 };

/** What the check asks for, in words, for the schema's description (OpenAPI, documents). */
export function checkDescription(p: DeclaredParam): string {
  switch (p.check) {
    case '公民身份号码':
      return 'GB 11643 公民身份号码，18位（15位旧号自动升位）';
    case '统一社会信用代码':
      return 'GB 32100 统一社会信用代码，18位';
    case '持证主体代码':
      return '统一社会信用代码（GB 32100）或公民身份号码（GB 11643）';
    case '日期':
      return `日期，格式 ${p.date_format ?? 'YYYYMMDD'}`;
    case '代码':
      return p.code_list ? `代码，取值见 ${p.code_list}` : `代码，取值为 ${(p.codes ?? []).join(' / ')} 之一`;
    default:
      return '精确匹配';
  }
}

/**
 * The JSON Schema of a generic lookup's parameters, from its declaration: every parameter a
 * non-empty string no longer than its item (or its check's form), the required ones required,
 * nothing else accepted. Which group of `oneOf` is given is checked by the lookup itself (so
 * that the caller is told which groups exist); `oneOf` here is for the OpenAPI reader.
 */
export function declaredParamSchema(method: string, title: string, params: readonly DeclaredParam[], groups: readonly string[][] = []): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const p of params) {
    const maxLength = (p.check ? CHECKED_MAX_LENGTH[p.check] : undefined) ?? (p.check === '日期' ? 10 : (p.itemLength ?? 256));
    properties[p.name] = { type: 'string', description: `${p.itemName}（${checkDescription(p)}）`, minLength: 1, maxLength };
  }
  const required = params.filter((p) => p.required).map((p) => p.name);
  return {
    title: `${title} ${method}`,
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    ...(groups.length > 0 ? { oneOf: groups.map((g) => ({ required: g })) } : {}),
    additionalProperties: false,
  };
}
