/**
 * Verification's tables (多元校核): what a verification source says about a library's items,
 * and the differences found. Names are recorded in existing databases: never rename one (see
 * scripts/app/migrations.ts).
 */
import type { Migrations } from '../../../core/db';

import * as m601 from './601_verification_values';
import * as m602 from './602_verification_differences';
import * as m850 from './850_verification_item_width';

export const VERIFICATION_MIGRATIONS: Migrations = {
  '601_verification_values': m601,
  '602_verification_differences': m602,
  '850_verification_item_width': m850,
};
