/**
 * Says which databases the storage suites run on, and refuses to run in CI without MariaDB:
 * nothing may be skipped silently there.
 */
module.exports = async () => {
  const url = process.env.MYSQL_URL;
  if (url) {
    process.stdout.write(`\nstorage suites: SQLite and MariaDB (${url.replace(/:[^:@/]*@/, ':***@')})\n`);
  } else if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error('CI is set but MYSQL_URL is not: the storage suites must also run on MariaDB (see .ci/run)');
  } else {
    process.stdout.write('\nstorage suites: SQLite only (set MYSQL_URL=mysql://user:pass@127.0.0.1:3306/db to add MariaDB)\n');
  }
};
