import type { RecoverRequest, RecoveryStatusResponse, ResealRecoveryRequest, SetRecoveryRequest } from '../../protocol/recovery.js';
import { findRecovery, resealRecovery, upsertRecovery } from '../db/repositories/recovery.js';
import { deleteOtherSessions, type SessionRow } from '../db/repositories/sessions.js';
import { findUserByUsername, updateUserCredentials, usernameKey, type UserRow } from '../db/repositories/users.js';
import type { Deps, RequestMeta } from '../deps.js';
import { notFound } from '../errors.js';
import { AfterCommit } from '../events/domain-events.js';
import type { Actor } from '../policies/actor.js';
import { assertMayRecover, assertMaySetRecovery } from '../policies/account.js';
import { dummyHash, hashAuthKey, verifyAuthKey } from '../security/password-hash.js';
import { consumeOrThrow } from '../security/rate-limits.js';
import { createSession } from './create-session.js';
import { assertKdfStrongEnough } from './kdf-policy.js';

const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64url'));
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const iso = (ms: number) => new Date(Number(ms)).toISOString();
/** Recovery guesses have their own per-account count (the log-in's prefix keeps them apart from password guesses). */
const recoveryAccountKey = (username: string) => `recover:${usernameKey(username)}`;

/** Proves the actor's password as a change of password does: counted on the log-in's per-account budget first. */
async function provePassword(deps: Deps, actor: Actor, authKey: string): Promise<void> {
  const accountKey = actor.user.username_key;
  await consumeOrThrow(deps.limiters.loginPerAccount, accountKey);
  assertMaySetRecovery(actor, await verifyAuthKey(actor.user.auth_hash, authKey));
  await deps.limiters.loginPerAccount.delete(accountKey).catch(() => undefined);
}

export async function getRecovery(deps: Deps, actor: Actor): Promise<RecoveryStatusResponse> {
  const row = await findRecovery(deps.db, actor.user.id);
  return { recovery: row ? { createdAt: iso(row.created_at), updatedAt: iso(row.updated_at), box: b64(row.box) } : null };
}

/** A new recovery key for the actor (any earlier one stops working). */
export async function setRecovery(deps: Deps, actor: Actor, input: SetRecoveryRequest): Promise<void> {
  await provePassword(deps, actor, input.currentAuthKey);
  const now = Date.now();
  await upsertRecovery(deps.db, {
    user_id: actor.user.id,
    auth_hash: await hashAuthKey(input.recoveryAuthKey),
    escrow: bytes(input.escrow),
    box: bytes(input.box),
    created_at: now,
    updated_at: now,
  });
}

/** The same key's escrow and box, sealed anew by the client after a password change. */
export async function resealRecoveryKey(deps: Deps, actor: Actor, input: ResealRecoveryRequest): Promise<void> {
  await provePassword(deps, actor, input.currentAuthKey);
  if (!(await resealRecovery(deps.db, actor.user.id, bytes(input.escrow), bytes(input.box), Date.now()))) {
    throw notFound('You have no recovery key.');
  }
}

/**
 * A forgotten password replaced: the recovery key's authKey is checked (throttled per address and per account like
 * log-in, each attempt counted before the check), then the new credentials are set, every session of the user ends
 * and a new one opens. The escrow goes back to the client, which opens its vault with it and re-wraps it under the new
 * password. A missing name, a deleted account or an account without a key answer like a wrong key, after the same work.
 */
export async function recoverAccount(
  deps: Deps,
  input: RecoverRequest,
  meta: RequestMeta,
): Promise<{ user: UserRow; session: SessionRow; token: string; escrow: string }> {
  assertKdfStrongEnough(input.newKdf, deps.config.minKdf);
  const accountKey = recoveryAccountKey(input.username);
  await consumeOrThrow(deps.limiters.loginPerAddress, meta.ip);
  await consumeOrThrow(deps.limiters.loginPerAccount, accountKey);

  const user = await findUserByUsername(deps.db, input.username);
  const recovery = user && !user.deleted_at ? await findRecovery(deps.db, user.id) : undefined;
  const proven = await verifyAuthKey(recovery?.auth_hash ?? (await dummyHash()), input.recoveryAuthKey);
  assertMayRecover(user, recovery !== undefined, proven && recovery !== undefined);
  if (!recovery) throw notFound('No recovery key.'); // unreachable: assertMayRecover refused it
  await Promise.all([
    deps.limiters.loginPerAccount.delete(accountKey).catch(() => undefined),
    deps.limiters.loginPerAccount.delete(user.username_key).catch(() => undefined),
    deps.limiters.loginPerAddress.reward(meta.ip, 1).catch(() => undefined),
  ]);

  const authHash = await hashAuthKey(input.newAuthKey);
  const afterCommit = new AfterCommit();
  const { token, session } = await deps.db.transaction().execute(async (trx) => {
    await updateUserCredentials(trx, user.id, {
      kdf_salt: input.newSalt,
      kdf_memory_kib: input.newKdf.memoryKiB,
      kdf_iterations: input.newKdf.iterations,
      kdf_parallelism: input.newKdf.parallelism,
      auth_hash: authHash,
    });
    const revoked = await deleteOtherSessions(trx, user.id, '');
    afterCommit.add({ type: 'sessions.revoked', sessionIds: revoked, reason: 'password-changed' });
    return createSession(trx, deps.config, user.id, meta);
  });
  afterCommit.flush(deps.events);
  return { user: { ...user, auth_hash: authHash, kdf_salt: input.newSalt }, session, token, escrow: b64(recovery.escrow) };
}
