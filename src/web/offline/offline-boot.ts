import type { UserDto } from '../../sdk/index.js';
import { eraseOffline, lastUser, markOpenedOffline, readSnapshot } from './offline-store.js';

/**
 * Who to open the signed-in pages for when the server cannot be reached: the user last signed in on this browser, if
 * a sealed snapshot of theirs is here (it unlocks with this browser's store key, no server and no password needed).
 */
export async function offlineUser(): Promise<UserDto | undefined> {
  const user = await lastUser();
  if (!user) return undefined;
  if (!(await readSnapshot(user.username))) return undefined;
  markOpenedOffline();
  return user;
}

export { eraseOffline };
