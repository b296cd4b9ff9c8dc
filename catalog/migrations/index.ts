/**
 * The catalogue's tables: departments, licensing items, resources with their items and
 * interfaces, consumers, demands, applications, grants, the search index, and the
 * libraries (tables) of published resources. Names are
 * recorded in existing databases: never rename one (see scripts/app/migrations.ts).
 */
import type { Migrations } from '../../core/db';

import * as m004 from './004_departments';
import * as m005 from './005_licensing_items';
import * as m006 from './006_resources';
import * as m007 from './007_resource_items';
import * as m008 from './008_interfaces';
import * as m009 from './009_consumers';
import * as m010 from './010_demands';
import * as m011 from './011_applications';
import * as m012 from './012_grants';
import * as m301 from './301_resource_search';
import * as m302 from './302_access_version';
import * as m801 from './801_libraries';
import * as m802 from './802_library_columns';
import * as m803 from './803_base_libraries';
import * as m851 from './851_library_unique_one_index';

export const CATALOG_MIGRATIONS: Migrations = {
  '004_departments': m004,
  '005_licensing_items': m005,
  '006_resources': m006,
  '007_resource_items': m007,
  '008_interfaces': m008,
  '009_consumers': m009,
  '010_demands': m010,
  '011_applications': m011,
  '012_grants': m012,
  '301_resource_search': m301,
  '302_access_version': m302,
  '801_libraries': m801,
  '802_library_columns': m802,
  '803_base_libraries': m803,
  '851_library_unique_one_index': m851,
};
