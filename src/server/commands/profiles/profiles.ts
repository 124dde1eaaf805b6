import type { ProfileDto, SetProfileRequest } from '../../../protocol/profiles.js';
import type { Db } from '../../db/connect.js';
import { findProfile, listProfileReaderIds, loadProfileStanding, storeProfileVersion, type ProfileRow } from '../../db/repositories/profiles.js';
import { findUserByUsername } from '../../db/repositories/users.js';
import type { Deps } from '../../deps.js';
import { AppError, notFound } from '../../errors.js';
import type { Actor } from '../../policies/actor.js';
import { canReadProfile, isNextProfileVersion } from '../../policies/profiles.js';

const NOT_FOUND_MESSAGE = 'No such profile.';

function present(row: ProfileRow, username: string): ProfileDto {
  return {
    userId: row.user_id,
    username,
    version: Number(row.version),
    blob: Buffer.from(row.blob).toString('base64url'),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

/**
 * A user's sealed profile, for the owner, their contacts and members of a group they share. Anyone else, a name
 * without an account, a deleted account and a user without a profile all get the same NOT_FOUND.
 */
export async function getProfile(deps: Deps, actor: Actor, username: string): Promise<ProfileDto> {
  const owner = await findUserByUsername(deps.db, username);
  if (!owner || owner.deleted_at) throw notFound(NOT_FOUND_MESSAGE);
  const standing = await loadProfileStanding(deps.db, actor.user.id, owner.id);
  if (!canReadProfile(actor.user.id, owner.id, standing)) throw notFound(NOT_FOUND_MESSAGE);
  const row = await findProfile(deps.db, owner.id);
  if (!row) throw notFound(NOT_FOUND_MESSAGE);
  return present(row, owner.username);
}

/**
 * Stores the actor's next profile version (opaque bytes sealed on the client), then tells every reader, and the
 * actor's other devices, its id and version only.
 */
export async function setProfile(deps: Deps, actor: Actor, input: SetProfileRequest): Promise<ProfileDto> {
  const row: ProfileRow = {
    user_id: actor.user.id,
    version: input.version,
    blob: new Uint8Array(Buffer.from(input.blob, 'base64url')),
    updated_at: Date.now(),
  };
  const readers = await deps.db.transaction().execute(async (trx: Db) => {
    const stored = await findProfile(trx, actor.user.id);
    const fresh = isNextProfileVersion(stored ? Number(stored.version) : undefined, input.version);
    if (!fresh || !(await storeProfileVersion(trx, row))) {
      throw new AppError('CONFLICT', `The profile is at version ${stored ? Number(stored.version) : 0}: send version ${(stored ? Number(stored.version) : 0) + 1}.`);
    }
    return listProfileReaderIds(trx, actor.user.id);
  });
  const event = { userId: actor.user.id, username: actor.user.username, version: input.version };
  deps.events.publish({ type: 'profile.changed', userIds: [actor.user.id, ...readers], event });
  return present(row, actor.user.username);
}
