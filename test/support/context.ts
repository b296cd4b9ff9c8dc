/** A full AppContext over a fresh test database, with logs silenced. */
import { loadConfig } from '../../core/config';
import type { AppContext } from '../../gateway/context';
import { createLogger } from '../../core/logger';
import { contextOver } from '../../scripts/app/context';
import { freshDatabase, Target, tempDir, TestDatabase } from './databases';

export interface TestContext extends AppContext {
  database: TestDatabase;
  dispose(): Promise<void>;
}

export async function testContext(target: Target, env: Record<string, string> = {}): Promise<TestContext> {
  const database = await freshDatabase(target);
  const dataDir = tempDir('dprs-data-');
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    // suites make many calls quickly; the limiter's own suite sets its limits explicitly
    RATE_LIMIT_PER_MINUTE: '1000000',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    AUDIT_KEY: 'test-audit-key-test-audit-key-0123456789abcdef',
    ...(target === 'mysql' ? { DB_CLIENT: 'mysql', DATABASE_URL: database.url } : { DATABASE_URL: `sqlite:${database.url}` }),
    ...env,
  });
  const ctx = contextOver(config, database.db, createLogger('silent'));
  return {
    ...ctx,
    database,
    dispose: async () => {
      await ctx.audit.close().catch(() => undefined);
      await ctx.rateLimiter.close();
      await database.drop();
    },
  };
}
