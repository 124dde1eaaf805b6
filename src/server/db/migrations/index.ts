import type { Migration } from 'kysely';
import * as accounts from './2026-11-24-accounts.js';
import * as messaging from './2026-11-24-messaging.js';
import * as mlsDelivery from './2026-11-24-mls-delivery.js';
import * as vault from './2026-11-24-vault.js';
import * as messageKeyIndex from './2026-12-02-message-key-index.js';
import * as blobs from './2026-12-06-blobs.js';
import * as accountStatus from './2026-12-06-account-status.js';
import * as notifications from './2026-12-06-notifications.js';
import * as recovery from './2026-12-07-recovery.js';
import * as disappearing from './2026-12-08-disappearing.js';
import * as profiles from './2026-12-08-profiles.js';
import * as expiryIndex from './2026-12-09-expiry-index.js';

/** Every migration, by name (dated, applied in name order). */
export const migrations: Record<string, Migration> = {
  '2026-11-24-accounts': accounts,
  '2026-11-24-messaging': messaging,
  '2026-11-24-mls-delivery': mlsDelivery,
  '2026-11-24-vault': vault,
  '2026-12-02-message-key-index': messageKeyIndex,
  '2026-12-06-blobs': blobs,
  '2026-12-06-account-status': accountStatus,
  '2026-12-06-notifications': notifications,
  '2026-12-07-recovery': recovery,
  '2026-12-08-disappearing': disappearing,
  // After every earlier name (the migrator refuses a new one sorted before one already applied).
  '2026-12-08-profiles': profiles,
  '2026-12-09-expiry-index': expiryIndex,
};
