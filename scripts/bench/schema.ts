import { openKnex } from '../../core/db';

/** A MariaDB schema made for one benchmark run: its URL, and how to drop it afterwards. */
export async function benchSchema(mysqlUrl: string, name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = () => openKnex({ client: 'mysql', url: mysqlUrl, poolMax: 1 });
  const create = admin();
  await create.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await create.destroy();
  const u = new URL(mysqlUrl);
  u.pathname = '/' + name;
  return {
    url: u.toString(),
    drop: async () => {
      const a = admin();
      await a.raw(`DROP DATABASE IF EXISTS \`${name}\``);
      await a.destroy();
    },
  };
}
