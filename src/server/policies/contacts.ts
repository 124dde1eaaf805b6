import { AppError } from '../errors.js';

/**
 * A direct conversation and group membership need an accepted contact; a block (either way) ends both: a block first,
 * then the contact (the relationship is read by commands/access.ts or in the caller's transaction).
 */
export function assertStanding(rel: { contact: boolean; blocked: boolean }, username: string): void {
  if (rel.blocked) throw new AppError('BLOCKED', `You cannot talk with ${username}.`);
  if (!rel.contact) throw new AppError('NOT_A_CONTACT', `${username} is not one of your contacts.`);
}

/**
 * What a contact request does, on the relationship read in its transaction: refused (BLOCKED) if you blocked them;
 * nothing if you already are contacts (`contact`); if they blocked you it looks sent but reaches nobody (`silent`);
 * else it is sent (`send`: a request both ways becomes a contact at once).
 */
export function decideContactRequest(
  rel: { contact: boolean; iBlocked: boolean; blockedMe: boolean },
  username: string,
): 'contact' | 'silent' | 'send' {
  if (rel.iBlocked) throw new AppError('BLOCKED', `You blocked ${username}: unblock them first.`);
  if (rel.contact) return 'contact';
  if (rel.blockedMe) return 'silent';
  return 'send';
}
