/**
 * Migrations are listed here in order, imported statically so they work from TypeScript
 * sources and from the compiled dist alike. One table (or one DDL change) per migration:
 * MySQL cannot roll back DDL, so a failed step must leave nothing half-applied.
 */
import type { Knex } from 'knex';

export interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

import * as m001 from './001_population';
import * as m002 from './002_legal_entity';
import * as m003 from './003_licence';
import * as m004 from './004_departments';
import * as m005 from './005_licensing_items';
import * as m006 from './006_resources';
import * as m007 from './007_resource_items';
import * as m008 from './008_interfaces';
import * as m009 from './009_consumers';
import * as m010 from './010_demands';
import * as m011 from './011_applications';
import * as m012 from './012_grants';
import * as m013 from './013_sync_jobs';
import * as m014 from './014_sync_watermarks';
import * as m015 from './015_sync_runs';
import * as m016 from './016_sync_rejects';
import * as m017 from './017_leases';
import * as m018 from './018_audit_log';
import * as m401 from './401_audit_chain';
import * as m402 from './402_rate_limit_counters';
import * as m403 from './403_audit_duration';
import * as m404 from './404_audit_keys';
import * as m301 from './301_resource_search';
import * as m601 from '../../accounts/migrations/601_accounts';
import * as m602 from '../../accounts/migrations/602_sessions';
import * as m603 from '../../accounts/migrations/603_sign_in_events';
import * as m604 from '../../accounts/migrations/604_audit_user_id';
import * as m501 from './501_population_gmsfzh_live';
import * as m502 from './502_population_gmsfzh_live_unique';
import * as m503 from './503_population_gmsfzh_index';
import * as m504 from './504_population_gmsfzh_drop_unique';
import * as m505 from './505_sync_runs_drift';
import * as m506 from './506_sync_runs_future';
import * as m507 from './507_sync_watermarks_upper_bound';
import * as m508 from './508_sync_rejects_by_row';
import { MATTER_MIGRATIONS } from '../../../catalog/matters/migrations';

const migrations: Record<string, Migration> = {
  '001_population': m001,
  '002_legal_entity': m002,
  '003_licence': m003,
  '004_departments': m004,
  '005_licensing_items': m005,
  '006_resources': m006,
  '007_resource_items': m007,
  '008_interfaces': m008,
  '009_consumers': m009,
  '010_demands': m010,
  '011_applications': m011,
  '012_grants': m012,
  '013_sync_jobs': m013,
  '014_sync_watermarks': m014,
  '015_sync_runs': m015,
  '016_sync_rejects': m016,
  '017_leases': m017,
  '018_audit_log': m018,
  '401_audit_chain': m401,
  '402_rate_limit_counters': m402,
  '403_audit_duration': m403,
  '404_audit_keys': m404,
  '301_resource_search': m301,
  '601_accounts': m601,
  '602_sessions': m602,
  '603_sign_in_events': m603,
  '604_audit_user_id': m604,
  '501_population_gmsfzh_live': m501,
  '502_population_gmsfzh_live_unique': m502,
  '503_population_gmsfzh_index': m503,
  '504_population_gmsfzh_drop_unique': m504,
  '505_sync_runs_drift': m505,
  '506_sync_runs_future': m506,
  '507_sync_watermarks_upper_bound': m507,
  '508_sync_rejects_by_row': m508,
  ...MATTER_MIGRATIONS,
};

export const migrationSource: Knex.MigrationSource<string> = {
  async getMigrations() {
    return Object.keys(migrations).sort();
  },
  getMigrationName(name) {
    return name;
  },
  async getMigration(name) {
    return migrations[name];
  },
};
