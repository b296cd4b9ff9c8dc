import type { Knex } from 'knex';

/**
 * A job's runs still marked running (failAbandonedRuns, at the start of every run): found among
 * the few running ones, not along the job's whole history (~100,000 runs a year for a job every
 * five minutes).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sync_runs', (t) => {
    t.index(['status', 'job_id'], 'sync_runs_status_job_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sync_runs', (t) => {
    t.dropIndex(['status', 'job_id'], 'sync_runs_status_job_index');
  });
}
