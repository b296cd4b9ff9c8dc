// Mutation testing of the modules that hold the rules protecting people's data (issue 17).
// `npm run test:mutation` (scripts/mutation.mjs) runs Stryker once per module below, each against
// that module's own tests, with its own incremental file and report under reports/mutation/NAME/.
// How to run one module and how to read the report: TESTING.md.

/** name → the files mutated and the test files that must kill their mutants */
export const MODULES = {
  checksums: {
    mutate: ['schemas/checksums.ts'],
    tests: ['test/schemas/checksums.test.ts', 'test/gateway/lookups/validation.test.ts'],
  },
  lookups: {
    mutate: ['gateway/lookups/methods.ts', 'gateway/lookups/validation.ts', 'gateway/lookups/repository.ts'],
    tests: ['test/gateway/lookups/methods.test.ts', 'test/gateway/lookups/validation.test.ts', 'test/gateway/lookups/repository.test.ts'],
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
    mutate: ['gateway/purpose.ts'],
    tests: ['test/gateway/security/purpose.test.ts'],
  },
  access: {
    mutate: ['catalog/access.ts', 'catalog/grants.ts'],
    tests: ['test/catalog/access.test.ts', 'test/catalog/grants.test.ts'],
  },
  masking: {
    mutate: ['catalog/masking.ts'],
    tests: ['test/catalog/masking.test.ts', 'test/catalog/masking-rules.test.ts'],
  },
  'audit-chain': {
    mutate: ['gateway/auditing/chain.ts', 'gateway/auditing/writer.ts'],
    tests: ['test/gateway/auditing/*.test.ts'],
  },
  sync: {
    mutate: ['adapters/sync/*.ts'],
    // the crash suite runs the compiled dist/, which Stryker does not mutate
    tests: ['test/adapters/sync/!(crash).test.ts'],
  },
};

const name = process.env.DPRS_MUTATION_MODULE;
if (name && !MODULES[name]) throw new Error(`unknown mutation module ${name}; known: ${Object.keys(MODULES).join(', ')}`);
const chosen = name ? [MODULES[name]] : Object.values(MODULES);
const out = `reports/mutation/${name ?? 'all'}`;

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
