/**
 * The lookup product's tables: the base libraries (from core/registry.ts), the audit log
 * with its hash chain, batch keys, key blocks and operator actions, and the shared rate-limit counters. Names are recorded in existing
 * databases: never rename one (see scripts/app/migrations.ts for the numbering).
 */
import type { Migrations } from '../../core/db';

import * as m001 from './001_population';
import * as m002 from './002_legal_entity';
import * as m003 from './003_licence';
import * as m018 from './018_audit_log';
import * as m401 from './401_audit_chain';
import * as m402 from './402_rate_limit_counters';
import * as m403 from './403_audit_duration';
import * as m404 from './404_audit_keys';
import * as m405 from './405_audit_batch_keys';
import * as m406 from './406_drop_audit_keys';
import * as m407 from './407_audit_chain_version';
import * as m408 from './408_operator_actions';
import * as m409 from './409_audit_key_blocks';
import * as m410 from './410_audit_log_at';
import * as m501 from './501_population_gmsfzh_live';
import * as m502 from './502_population_gmsfzh_live_unique';
import * as m503 from './503_population_gmsfzh_index';
import * as m504 from './504_population_gmsfzh_drop_unique';
import * as m509 from './509_population_gmsfzh_one_index';

export const GATEWAY_MIGRATIONS: Migrations = {
  '001_population': m001,
  '002_legal_entity': m002,
  '003_licence': m003,
  '018_audit_log': m018,
  '401_audit_chain': m401,
  '402_rate_limit_counters': m402,
  '403_audit_duration': m403,
  '404_audit_keys': m404,
  '405_audit_batch_keys': m405,
  '406_drop_audit_keys': m406,
  '407_audit_chain_version': m407,
  '408_operator_actions': m408,
  '409_audit_key_blocks': m409,
  '410_audit_log_at': m410,
  '501_population_gmsfzh_live': m501,
  '502_population_gmsfzh_live_unique': m502,
  '503_population_gmsfzh_index': m503,
  '504_population_gmsfzh_drop_unique': m504,
  '509_population_gmsfzh_one_index': m509,
};
