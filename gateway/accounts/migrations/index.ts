/** The workbench's tables (block 7xx, see scripts/app/migrations.ts): accounts, sessions, the sign-in log, the audit's user id, TOTP enrolment. */
import type { Migrations } from '../../../core/db';

import * as m701 from './701_accounts';
import * as m702 from './702_sessions';
import * as m703 from './703_sign_in_events';
import * as m704 from './704_audit_user_id';
import * as m705 from './705_totp_enrolment';

export const ACCOUNT_MIGRATIONS: Migrations = {
  '701_accounts': m701,
  '702_sessions': m702,
  '703_sign_in_events': m703,
  '704_audit_user_id': m704,
  '705_totp_enrolment': m705,
};
