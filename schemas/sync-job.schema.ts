/**
 * JSON Schema of a sync job definition (前置机库表交换 / 文件上传 → one library: a base library or
 * a published resource's).
 * Checked by ajv in adapters/sync/jobs.ts; semantic checks (mapping covers the target's key,
 * cron syntax) follow there.
 */
import { LIBRARY_NAMES } from '../core/registry';

export const syncJobSchema = {
  $id: 'dprs/sync-job',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'source', 'target', 'columns', 'key'],
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
    description: { type: 'string', maxLength: 256 },
    department: { type: 'string', pattern: '^ZC[0-9]{3}$' }, // the providing department's code
    // authoritative: owns the items it maps (一数一源); verify: a 校核源, compared, never written
    role: { enum: ['authoritative', 'verify'] },
    enabled: { type: 'boolean' },
    source: {
      type: 'object',
      oneOf: [
        {
          additionalProperties: false,
          required: ['client', 'connection'],
          properties: {
            client: { enum: ['mysql2', 'better-sqlite3'] },
            // mysql2: a mysql:// URL; better-sqlite3: { "filename": "…" } or the file path
            connection: {
              oneOf: [
                { type: 'string', minLength: 1 },
                { type: 'object', required: ['filename'], properties: { filename: { type: 'string', minLength: 1 } } },
              ],
            },
            table: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
            query: { type: 'string', minLength: 1 },
            // the password is never part of a definition: it is read at run time from this
            // environment variable (only SYNC_PASSWORD_* names, so no other secret can be named)
            passwordEnv: { type: 'string', pattern: '^SYNC_PASSWORD_[A-Z0-9_]{1,64}$' },
          },
        },
        {
          additionalProperties: false,
          required: ['csv'],
          properties: {
            csv: { type: 'string', minLength: 1 }, // path of an uploaded CSV file (header row = column names)
            delimiter: { type: 'string', minLength: 1, maxLength: 1 },
          },
        },
      ],
    },
    // a library's table (population, lib_301010_00001) or resource:<资源代码>; which exist is the catalogue's to say
    target: {
      type: 'string',
      pattern: '^(resource:[1-3][0-9]{2}([0-9]{3}){0,2}/[0-9]{5}|[a-z][a-z0-9_]{0,31})$',
      errorReason: `应为库表名（${LIBRARY_NAMES.join(' / ')} 或 lib_<资源代码>）或 resource:<资源代码>`,
    },
    columns: {
      type: 'object',
      minProperties: 1,
      additionalProperties: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' },
    },
    key: {
      oneOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', minItems: 1, maxItems: 4, items: { type: 'string', minLength: 1 } },
      ],
    },
    updateTime: { type: 'string', minLength: 1 },
    deleteFlag: {
      type: 'object',
      additionalProperties: false,
      required: ['column', 'value'],
      properties: { column: { type: 'string', minLength: 1 }, value: { type: ['string', 'number', 'boolean'] } },
    },
    schedule: {
      type: 'object',
      additionalProperties: false,
      properties: { full: { type: 'string' }, incremental: { type: 'string' } },
    },
    batchSize: { type: 'integer', minimum: 1, maximum: 10000 },
    errorLimit: {
      type: 'object',
      additionalProperties: false,
      properties: {
        records: { type: 'integer', minimum: 0 },
        percent: { type: 'number', minimum: 0, maximum: 100 },
      },
    },
    throttle: { type: 'integer', minimum: 1 }, // rows per second
    lookbackSeconds: { type: 'integer', minimum: 0, maximum: 86400 },
    delaySeconds: { type: 'integer', minimum: 0, maximum: 3600 },
  },
} as const;
