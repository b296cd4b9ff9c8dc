/**
 * OpenAPI 3.1 description of the JSON interface, generated from the same parameter schemas
 * the server validates with (schemas/lookup-params.ts; a generic lookup's from its declaration
 * in the published catalogue) and the methods' answer fields, and
 * Swagger UI to try it. Served at /dprs/api/openapi.json and /dprs/api/docs/.
 */
import path from 'node:path';
import express, { Router } from 'express';
import type { AppContext } from './context';
import { LOOKUP_METHODS } from './lookups/methods';
import { PARAM_SCHEMAS } from '../schemas/lookup-params';
import { PURPOSE_HEADER } from './purpose';
import { USER_ID_HEADER } from './accounts/user-id';
import { errorEnvelope, RESULT_CODES } from '../core/result-codes';
import { sendEnvelope } from '../core/http';
import type { Db } from '../core/db';
import { registrationOf } from '../catalog/access';
import { interfacesFingerprint, publishedInterfaceVersions } from '../catalog/resources';
import { declaredSchema, isDeclaredLookup } from '../catalog/lookup-declarations';

type Schema = Record<string, unknown>;

/** Draft-07 schemas are valid 2020-12 once their ajv-only keys are dropped. */
function plain(schema: Schema): Schema {
  const { $id: _id, ...rest } = schema;
  return rest;
}

function envelopeSchema(fields: readonly string[]): Schema {
  return {
    type: 'object',
    required: ['msg', 'result_code', 'data'],
    properties: {
      msg: { type: 'string', examples: [RESULT_CODES.OK.msg] },
      result_code: { type: 'string', enum: Object.values(RESULT_CODES).map((c) => c.code) },
      data: {
        type: 'array',
        items: { type: 'object', properties: Object.fromEntries(fields.map((f) => [f, { type: ['string', 'number', 'null'] }])) },
      },
    },
  };
}

function responses(fields: readonly string[]): Schema {
  const body = { 'application/json': { schema: envelopeSchema(fields) } };
  return Object.fromEntries(Object.values(RESULT_CODES).map((c) => [c.code, { description: c.msg, content: body }]));
}

/** A lookup's paths: POST with a JSON body, and GET with a query string when every parameter is text. */
function lookupPaths(name: string, title: string, schema: Schema, fields: readonly string[], headers: Schema[]): Schema {
  const op = (extra: Schema): Schema => ({
    operationId: name,
    summary: `${title} ${name}`,
    tags: ['lookups'],
    security: [{ bearer: [] }],
    responses: responses(fields),
    ...extra,
  });
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  const scalarParams = Object.values(props).every((p) => p.type === 'string');
  return {
    post: op({ parameters: headers, requestBody: { required: true, content: { 'application/json': { schema: plain(schema) } } } }),
    ...(scalarParams
      ? {
          get: op({
            operationId: `${name}_get`,
            parameters: [...headers, ...Object.entries(props).map(([p, s]) => ({ name: p, in: 'query', required: ((schema.required as string[]) ?? []).includes(p), schema: s }))],
          }),
        }
      : {}),
  };
}

/** The generic lookups of the published catalogue, described from their declarations. */
async function declaredLookups(db: Db, versions: Array<{ method: string; id: number; updated_at: number }>): Promise<Array<{ name: string; title: string; schema: Schema; fields: string[] }>> {
  const out = [];
  for (const v of versions) {
    const reg = await registrationOf(db, v.id, v.updated_at);
    const spec = reg?.interfaces?.find((i) => i.method === v.method);
    if (reg && spec && isDeclaredLookup(spec)) out.push({ name: spec.method, title: spec.name, schema: declaredSchema(reg, spec), fields: reg.items.map((i) => i.field) });
  }
  return out;
}

function openApiDocument(ctx: AppContext, declared: Awaited<ReturnType<typeof declaredLookups>>): Schema {
  const purpose = {
    name: PURPOSE_HEADER,
    in: 'header',
    required: true,
    description: '事由（百分号编码的 UTF-8）：事项编码 或 事项编码|说明，例如 XK137%7C%E8%AE%BE%E7%AB%8B%E7%99%BB%E8%AE%B0（XK137|设立登记）；PURPOSE_FREE_TEXT=allow 时也可为自由文本',
    schema: { type: 'string' },
  };
  const userId = {
    name: USER_ID_HEADER,
    in: 'header',
    required: ctx.config.userIdRequired,
    description: '经办人标识（窗口工作人员的账号或工号，不得使用公民身份号码），与调用方系统一同记入审计',
    schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$' },
  };
  const paths: Record<string, Schema> = {};
  for (const m of LOOKUP_METHODS.values()) {
    if (m.interfaces.includes('json')) paths[`/dprs/api/${m.name}`] = lookupPaths(m.name, m.title, PARAM_SCHEMAS[m.name], m.fields, [purpose, userId]);
  }
  for (const d of declared) paths[`/dprs/api/${d.name}`] = lookupPaths(d.name, d.title, d.schema, d.fields, [purpose, userId]);
  paths['/dprs/api/token'] = {
    post: {
      operationId: 'token',
      summary: '以客户端凭证换取访问令牌（client credentials）',
      tags: ['auth'],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['client_id', 'client_secret'],
              properties: { grant_type: { const: 'client_credentials' }, client_id: { type: 'string' }, client_secret: { type: 'string' } },
            },
          },
        },
      },
      responses: {
        '200': {
          description: '令牌',
          content: { 'application/json': { schema: { type: 'object', properties: { access_token: { type: 'string' }, token_type: { const: 'Bearer' }, expires_in: { type: 'integer' } } } } },
        },
        '401': { description: RESULT_CODES.UNAUTHENTICATED.msg },
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'dprs 周村区信息共享交换网关 — JSON 接口',
      version: '1.0.0',
      description: '按《数据接口说明文档》（附件3）提供的查询接口。所有接口返回 {msg, result_code, data}，HTTP 状态码等于 result_code。',
    },
    servers: [{ url: ctx.config.publicUrl }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}

const DOCS_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>dprs JSON 接口</title>
<link rel="stylesheet" href="swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="swagger-ui-bundle.js"></script><script src="init.js"></script></body></html>`;

// a file of its own: the content security policy allows no inline script
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '../openapi.json', dom_id: '#swagger-ui' });`;

export function openApiRoutes(ctx: AppContext): Router {
  const r = Router();
  // rewritten only when the published catalogue's interfaces change (one small query tells)
  let cached: { fingerprint: string; doc: string } | null = null;
  r.get('/dprs/api/openapi.json', async (req, res) => {
    try {
      const versions = await publishedInterfaceVersions(ctx.db);
      const fingerprint = interfacesFingerprint(versions);
      if (cached?.fingerprint !== fingerprint) cached = { fingerprint, doc: JSON.stringify(openApiDocument(ctx, await declaredLookups(ctx.db, versions))) };
      res.type('application/json; charset=utf-8').send(cached.doc);
    } catch (err) {
      req.log.error({ errName: (err as Error)?.name }, 'openapi document could not be built');
      sendEnvelope(res, errorEnvelope(new Error('openapi')));
    }
  });
  // express matches /docs and /docs/ alike; the page's relative asset links need the slash
  r.get('/dprs/api/docs/', (req, res) => {
    if (!req.originalUrl.split('?')[0].endsWith('/')) {
      res.redirect(301, '/dprs/api/docs/');
      return;
    }
    res.type('html').send(DOCS_PAGE);
  });
  r.get('/dprs/api/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(DOCS_INIT);
  });
  const dist = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  r.use('/dprs/api/docs', express.static(dist, { index: false, maxAge: '1d' }));
  return r;
}
