/**
 * The composition root's product: what every request handler and command needs, built once
 * per process. Tests build their own with a temporary database.
 */
import type { Config } from './config';
import type { Db } from './store/db';
import type { Logger } from './logger';

export interface AppContext {
  config: Config;
  db: Db;
  log: Logger;
}
