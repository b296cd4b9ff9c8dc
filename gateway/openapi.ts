/**
 * OpenAPI 3.1 description of the JSON interface, generated from the same parameter schemas
 * the server validates with (schemas/lookup-params.ts) and the methods' answer fields, and
 * Swagger UI to try it. Served at /dprs/api/openapi.json and /dprs/api/docs/.
 */
import path from 'node:path';
import express, { Router } from 'express';
import type { AppContext } from './context';
import { LOOKUP_METHODS } from './lookups/methods';
import { PARAM_SCHEMAS } from '../schemas/lookup-params';
import { PURPOSE_HEADER } from './purpose';
import { USER_ID_HEADER } from './accounts/user-id';
import { RESULT_CODES } from '../core/result-codes';

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

function openApiDocument(ctx: AppContext): Schema {
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
    if (!m.interfaces.includes('json')) continue;
    const schema = PARAM_SCHEMAS[m.name];
    const op = (extra: Schema): Schema => ({
      operationId: m.name,
      summary: `${m.title} ${m.name}`,
      tags: ['lookups'],
      security: [{ bearer: [] }],
      responses: responses(m.fields),
      ...extra,
    });
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    const scalarParams = Object.values(props).every((p) => p.type === 'string');
    paths[`/dprs/api/${m.name}`] = {
      post: op({ parameters: [purpose, userId], requestBody: { required: true, content: { 'application/json': { schema: plain(schema) } } } }),
      ...(scalarParams
        ? {
            get: op({
              operationId: `${m.name}_get`,
              parameters: [purpose, userId, ...Object.entries(props).map(([name, s]) => ({ name, in: 'query', required: ((schema.required as string[]) ?? []).includes(name), schema: s }))],
            }),
          }
        : {}),
    };
  }
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
  const doc = JSON.stringify(openApiDocument(ctx));
  r.get('/dprs/api/openapi.json', (_req, res) => {
    res.type('application/json; charset=utf-8').send(doc);
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
