/** Consumer registry: the approval windows and other systems that call lookups. */
import type { Db } from '../core/db';
import { changingAccess } from './access-version';
import { DUMMY_SECRET_HASH, hashSecret, newSecret, verifySecretAsync } from './secrets';

export interface Consumer {
  id: string;
  name: string;
  departmentCode: string | null;
  methods: string[];
  disabled: boolean;
}

interface ConsumerRow {
  id: string;
  name: string;
  department_code: string | null;
  secret_hash: string;
  methods: string;
  disabled: number | boolean;
}

function toConsumer(row: ConsumerRow): Consumer {
  return {
    id: row.id,
    name: row.name,
    departmentCode: row.department_code,
    methods: JSON.parse(row.methods) as string[],
    disabled: Boolean(row.disabled),
  };
}

export async function findConsumer(db: Db, id: string): Promise<Consumer | null> {
  const row = (await db<ConsumerRow>('consumers').where({ id }).first()) as ConsumerRow | undefined;
  return row ? toConsumer(row) : null;
}

/** Registers a consumer and returns its secret, which is shown once and stored only hashed. */
export async function addConsumer(
  db: Db,
  c: { id: string; name: string; departmentCode?: string | null; methods: string[]; secret?: string },
): Promise<{ consumer: Consumer; secret: string }> {
  const secret = c.secret ?? newSecret();
  const now = Date.now();
  await changingAccess(db, (t) =>
    t('consumers').insert({
      id: c.id,
      name: c.name,
      department_code: c.departmentCode ?? null,
      secret_hash: hashSecret(secret),
      methods: JSON.stringify(c.methods),
      disabled: false,
      created_at: now,
      updated_at: now,
    }),
  );
  return { consumer: { id: c.id, name: c.name, departmentCode: c.departmentCode ?? null, methods: c.methods, disabled: false }, secret };
}

/**
 * Client-credentials check. Unknown id, disabled consumer and wrong secret are
 * indistinguishable to the caller, in the answer and in time: an unknown id is checked
 * against a dummy hash at the same cost.
 */
export async function authenticateConsumer(db: Db, id: string, secret: string): Promise<Consumer | null> {
  const row = (await db<ConsumerRow>('consumers').where({ id }).first()) as ConsumerRow | undefined;
  const matches = await verifySecretAsync(secret, row?.secret_hash ?? DUMMY_SECRET_HASH);
  if (!row || !matches || row.disabled) return null;
  return toConsumer(row);
}

export async function setConsumerDisabled(db: Db, id: string, disabled: boolean): Promise<boolean> {
  const n = await changingAccess(db, (t) => t('consumers').where({ id }).update({ disabled, updated_at: Date.now() }));
  return n > 0;
}

export async function listConsumers(db: Db): Promise<Consumer[]> {
  const rows = (await db<ConsumerRow>('consumers').orderBy('id')) as ConsumerRow[];
  return rows.map(toConsumer);
}
