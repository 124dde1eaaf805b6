import type { IdentityDto } from '../../../protocol/e2e.js';
import { findIdentity, insertIdentity, lockIdentity, revokeDevices, updateIdentity } from '../../db/repositories/directory.js';
import type { Deps } from '../../deps.js';
import { notFound } from '../../errors.js';
import type { Actor } from '../../policies/actor.js';
import { fromBase64Url, presentIdentity } from '../../presenters/e2e.js';
import { sameBytes } from './mls-input.js';

/**
 * Publishes the user's identity public key with its private half wrapped under the vaultKey (opaque to the server).
 * The same key again replaces only the wrapping (after a password change, say). Another key replaces the identity:
 * the version goes up, the old key stays in the history, and every device of the user is revoked, since their
 * certificates were signed by the old key and no longer chain to the directory.
 */
export async function publishIdentity(
  deps: Deps,
  actor: Actor,
  input: { identityKey: string; wrappedKey: Uint8Array },
): Promise<IdentityDto> {
  const publicKey = fromBase64Url(input.identityKey);
  const now = Date.now();
  // Two publishes of one user at once (two devices, or a retry) would both read the same version, and on PostgreSQL the
  // second insert of that version would hit the unique key (INTERNAL). The transaction locks the identity row first,
  // so publishes of one user run one after the other; two first publishes still race on the insert: the loser runs
  // again, and then finds the row and waits for the lock like the others.
  for (let attempt = 1; ; attempt++) {
    try {
      return await publishOnce(deps, actor, publicKey, input.wrappedKey, now);
    } catch (err) {
      if (attempt >= 3 || !isUniqueViolation(err)) throw err;
    }
  }
}

/** PostgreSQL's unique_violation (23505) or SQLite's constraint error on a primary key or unique index. */
function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

async function publishOnce(deps: Deps, actor: Actor, publicKey: Uint8Array, wrappedKey: Uint8Array, now: number): Promise<IdentityDto> {
  const { row, replaced } = await deps.db.transaction().execute(async (trx) => {
    // A write that changes nothing takes the row lock (PostgreSQL) until commit; SQLite runs one writer at a time anyway.
    await lockIdentity(trx, actor.user.id);
    const current = await findIdentity(trx, actor.user.id);
    if (!current) {
      const created = {
        user_id: actor.user.id,
        identity_public_key: publicKey,
        wrapped_identity_key: wrappedKey,
        key_version: 1,
        created_at: now,
        updated_at: now,
      };
      await insertIdentity(trx, created);
      return { row: created, replaced: false };
    }
    const newKey = !sameBytes(current.identity_public_key, publicKey);
    const next = {
      ...current,
      identity_public_key: publicKey,
      wrapped_identity_key: wrappedKey,
      key_version: current.key_version + (newKey ? 1 : 0),
      updated_at: now,
    };
    await updateIdentity(trx, next, newKey);
    if (newKey) await revokeDevices(trx, actor.user.id, undefined, now);
    return { row: next, replaced: newKey };
  });
  if (replaced) deps.log.info({ userId: actor.user.id, version: row.key_version }, 'identity key replaced; devices revoked');
  return presentIdentity(row);
}

/** The user's own identity and wrapped private key (to unwrap with the vaultKey on a new device). */
export async function getIdentity(deps: Deps, actor: Actor): Promise<{ identity: IdentityDto; wrappedKey: Uint8Array }> {
  const row = await findIdentity(deps.db, actor.user.id);
  if (!row) throw notFound('You have not published an identity key yet.');
  return { identity: presentIdentity(row), wrappedKey: row.wrapped_identity_key };
}
