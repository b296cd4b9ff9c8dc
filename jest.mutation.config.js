/**
 * The jest configuration Stryker runs each mutant under: the project's, without the global setup
 * (mutation runs are SQLite only; MariaDB is npm test's job) and the summary line. Which test
 * files run is chosen per module in stryker.config.mjs.
 */
const { globalSetup, reporters, ...base } = require('./jest.config'); // eslint-disable-line @typescript-eslint/no-unused-vars

module.exports = { ...base, reporters: ['default'] };
