// Mutation testing of the modules that hold the rules protecting people's data (issue 17).
// `npm run test:mutation` (scripts/mutation.mjs) runs Stryker once per module below, each against
// that module's own tests, with its own incremental file and report under reports/mutation/NAME/.
// How to run one module and how to read the report: TESTING.md.

/**
 * name → the files mutated and the test files that must kill their mutants. `narrow` maps a file
 * to the tests that are enough for it alone, so a run scoped to that file (`sync:write`, see
 * scripts/mutation.mjs) starts only those; a file without an entry keeps the module's tests.
 */
export const MODULES = {
  checksums: {
    mutate: ['schemas/checksums.ts'],
    tests: ['test/schemas/checksums.test.ts', 'test/gateway/lookups/validation.test.ts'],
  },
  lookups: {
    mutate: ['gateway/lookups/methods.ts', 'gateway/lookups/validation.ts', 'gateway/lookups/repository.ts', 'gateway/lookups/gathered-reads.ts'],
    tests: ['test/gateway/lookups/methods.test.ts', 'test/gateway/lookups/validation.test.ts', 'test/gateway/lookups/repository.test.ts', 'test/gateway/lookups/repository-equality.test.ts', 'test/gateway/lookups/gathered-reads.test.ts'],
    narrow: {
      'gateway/lookups/methods.ts': ['test/gateway/lookups/methods.test.ts'],
      'gateway/lookups/validation.ts': ['test/gateway/lookups/validation.test.ts', 'test/gateway/lookups/methods.test.ts'],
      'gateway/lookups/repository.ts': ['test/gateway/lookups/repository.test.ts', 'test/gateway/lookups/repository-equality.test.ts', 'test/gateway/lookups/methods.test.ts'],
      'gateway/lookups/gathered-reads.ts': ['test/gateway/lookups/gathered-reads.test.ts'],
    },
  },
  // the lookups a registration declares (generic lookups): the rules below HTTP, then through the pipeline
  'declared-lookups': {
    mutate: ['gateway/lookups/declared.ts', 'gateway/lookups/resource-libraries.ts'],
    tests: ['test/gateway/lookups/declared-rules.test.ts', 'test/gateway/lookups/resource-libraries.test.ts', 'test/gateway/lookups/declared.test.ts', 'test/catalog/lookup-declarations.test.ts'],
    narrow: {
      'gateway/lookups/declared.ts': ['test/gateway/lookups/declared-rules.test.ts', 'test/gateway/lookups/declared.test.ts'],
      'gateway/lookups/resource-libraries.ts': ['test/gateway/lookups/resource-libraries.test.ts', 'test/gateway/lookups/declared-rules.test.ts'],
    },
  },
  jwt: {
    mutate: ['core/jwt.ts'],
    tests: ['test/core/jwt.test.ts', 'test/gateway/auth/tokens.test.ts'],
  },
  'rate-limit': {
    mutate: ['gateway/rate-limit.ts'],
    tests: ['test/gateway/rate-limit.test.ts'],
  },
  purpose: {
    mutate: ['gateway/purpose.ts', 'gateway/matter-purpose.ts'],
    tests: ['test/gateway/security/purpose.test.ts', 'test/gateway/matter-purpose.test.ts'],
    narrow: {
      'gateway/purpose.ts': ['test/gateway/security/purpose.test.ts'],
      'gateway/matter-purpose.ts': ['test/gateway/matter-purpose.test.ts'],
    },
  },
  access: {
    // the decision, the grants, and the per-process cache that keeps a decision while the access version stands
    mutate: ['catalog/access.ts', 'catalog/grants.ts', 'catalog/access-cache.ts', 'catalog/access-version.ts'],
    tests: ['test/catalog/access.test.ts', 'test/catalog/grants.test.ts', 'test/catalog/access-cache.test.ts'],
  },
  masking: {
    mutate: ['catalog/masking.ts'],
    tests: ['test/catalog/masking.test.ts', 'test/catalog/masking-rules.test.ts'],
  },
  'audit-chain': {
    // store.ts up to lookupsOfKey: appending, verifying, pruning, who looked a key up (not the call statistics),
    // and the key blocks that answer it
    // (its MySQL append — the deadlock retry, lines 60-70, and lines 118-134 — is the next module's: SQLite never reaches it)
    mutate: ['gateway/auditing/chain.ts', 'gateway/auditing/writer.ts', 'gateway/auditing/key-blocks.ts', 'gateway/auditing/store.ts:1-59', 'gateway/auditing/store.ts:71-117', 'gateway/auditing/store.ts:135-303', 'core/dialect.ts:314-342'],
    tests: ['test/gateway/auditing/*.test.ts', 'test/gateway/security/audit-integrity.test.ts', 'test/core/select-rows.test.ts'],
    narrow: {
      'gateway/auditing/writer.ts': ['test/gateway/auditing/*.test.ts'],
    },
  },
  // the audit append as it runs on MySQL (its statements without knex: dialect.directTransaction and mysqlStatement):
  // only MariaDB reaches it, so this module keeps MYSQL_URL (set it) where the others clear it
  'audit-append-mysql': {
    mutate: ['gateway/auditing/store.ts:60-70', 'gateway/auditing/store.ts:118-134', 'core/dialect.ts:251-254', 'core/dialect.ts:355-377', 'gateway/auditing/writer.ts:42-42', 'gateway/auditing/writer.ts:70-73'],
    tests: ['test/gateway/auditing/rules.test.ts', 'test/gateway/auditing/chain.test.ts', 'test/core/select-rows.test.ts'],
    mysql: true,
  },
  // an incremental run's warming of its pages' stored rows (write.ts's warmStoredRows and
  // worthWarming, incremental.ts's read): only MariaDB reaches it, so this module keeps MYSQL_URL;
  // in the sync module these lines count as not covered
  'sync-warming-mysql': {
    mutate: ['adapters/sync/write.ts:155-186', 'adapters/sync/incremental.ts:27-45'],
    tests: ['test/adapters/sync/rules.test.ts'],
    mysql: true,
  },
  sync: {
    // the rules that keep a library whole: full and incremental runs, watermarks, the batch
    // writer (一数一源, unique values, rejects) and the engine (error limits, lease, run outcome);
    // job definitions, routes, the scheduler and run records are tested by npm test only
    mutate: ['adapters/sync/full.ts', 'adapters/sync/incremental.ts', 'adapters/sync/watermarks.ts', 'adapters/sync/write.ts', 'adapters/sync/engine.ts'],
    // the crash suite runs the compiled dist/, which Stryker does not mutate
    tests: ['test/adapters/sync/!(crash).test.ts'],
    narrow: {
      'adapters/sync/watermarks.ts': ['test/adapters/sync/watermarks.test.ts'],
      'adapters/sync/write.ts': ['test/adapters/sync/engine-rules.test.ts', 'test/adapters/sync/write.test.ts', 'test/adapters/sync/write-batch.test.ts', 'test/adapters/sync/rules.test.ts', 'test/adapters/sync/engine.test.ts', 'test/adapters/sync/convergence.test.ts'],
      'adapters/sync/full.ts': ['test/adapters/sync/rules.test.ts', 'test/adapters/sync/engine.test.ts', 'test/adapters/sync/convergence.test.ts'],
      'adapters/sync/incremental.ts': ['test/adapters/sync/rules.test.ts', 'test/adapters/sync/engine.test.ts', 'test/adapters/sync/convergence.test.ts'],
      'adapters/sync/engine.ts': ['test/adapters/sync/engine-rules.test.ts', 'test/adapters/sync/rules.test.ts', 'test/adapters/sync/engine.test.ts', 'test/adapters/sync/convergence.test.ts', 'test/adapters/sync/stop.test.ts'],
    },
  },
};

/**
 * The module's files (or, scoped, the ones named, each possibly with Stryker's `:lines` range)
 * and the tests for them.
 */
export function selection(name, scope) {
  const m = MODULES[name];
  if (!scope) return { mutate: m.mutate, tests: m.tests };
  const files = scope.split(',');
  const tests = new Set();
  for (const f of files) for (const t of m.narrow?.[f.replace(/:[0-9-]+$/, '')] ?? m.tests) tests.add(t);
  return { mutate: files, tests: [...tests] };
}

/** Where a run writes its report and incremental file: a scoped run keeps its own (Stryker's covers only the files it mutated). */
export function reportDir(name, scope) {
  return `reports/mutation/${name ?? 'all'}${scope ? '/' + scope.replace(/[^A-Za-z0-9.-]+/g, '_') : ''}`;
}

const name = process.env.DPRS_MUTATION_MODULE;
if (name && !MODULES[name]) throw new Error(`unknown mutation module ${name}; known: ${Object.keys(MODULES).join(', ')}`);
const scope = process.env.DPRS_MUTATION_SCOPE || '';
const chosen = name ? [selection(name, scope)] : Object.values(MODULES);
const out = reportDir(name, scope);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: chosen.flatMap((m) => m.mutate),
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.mutation.config.js',
    config: { testMatch: chosen.flatMap((m) => m.tests).map((t) => `<rootDir>/${t}`) },
    enableFindRelatedTests: false,
  },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  // each mutant runs only the tests that reach it
  coverageAnalysis: 'perTest',
  // a mutant whose code and covering tests did not change keeps its last result; the file is
  // a local cache (reports/ is not in git): it goes stale with every commit of another branch
  incremental: true,
  incrementalFile: `${out}/incremental.json`,
  // 2 cores: one test runner and the type checker side by side
  concurrency: 2,
  timeoutMS: 10000,
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['dist', 'reports', 'coverage', 'data', '.stryker-tmp'],
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  htmlReporter: { fileName: `${out}/index.html` },
  jsonReporter: { fileName: `${out}/mutation.json` },
  thresholds: { high: 90, low: 80, break: null },
};
