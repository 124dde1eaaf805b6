/** How a viewer stands with a profile's owner (loaded by the command, judged here). */
export interface ProfileStanding {
  /** The owner lists the viewer as an accepted contact. */
  contact: boolean;
  /** Either blocked the other. */
  blocked: boolean;
  /** Both are members of a group conversation (a direct conversation counts only through the contact). */
  sharedGroup: boolean;
}

/**
 * Who may read a user's sealed profile: the owner, their accepted contacts, and members of a group they share; never
 * anyone blocked either way. Anyone else gets NOT_FOUND, the same answer as for a user without a profile or an
 * account. (The blob is ciphertext: this rule limits who learns that it exists, how big it is and when it changes.)
 */
export function canReadProfile(viewerId: string, ownerId: string, standing: ProfileStanding): boolean {
  if (viewerId === ownerId) return true;
  if (standing.blocked) return false;
  return standing.contact || standing.sharedGroup;
}

/** A profile's next version must follow the stored one (1 for the first): a stale device's write is a CONFLICT. */
export function isNextProfileVersion(stored: number | undefined, next: number): boolean {
  return next === (stored ?? 0) + 1;
}
