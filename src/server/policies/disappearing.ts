import { MLS_COMMIT } from '../../protocol/e2e.js';
import { SERVER_CONTENT_PREFIX } from '../../protocol/privacy.js';
import { AppError } from '../errors.js';
import type { Access } from './conversations.js';

/** A direct conversation's timer is either member's to set; a group's, its admins' and owner's. */
export function assertCanSetDisappearing(access: Access): void {
  if (access.conversation.kind === 'direct') return;
  if (access.member.role !== 'owner' && access.member.role !== 'admin') {
    throw new AppError('FORBIDDEN', 'Only admins can change disappearing messages in a group.');
  }
}

/**
 * When a message stored now expires: the conversation's timer counted from the server's clock at store time. MLS
 * commits never expire (the group's state is built from them, and they hold no content), nor do the server's own
 * notices (the timer's history stays readable).
 */
export function expiryOf(contentType: string, timerSeconds: number | null | undefined, now: number): number | null {
  if (timerSeconds === null || timerSeconds === undefined || timerSeconds <= 0) return null;
  if (contentType === MLS_COMMIT || contentType.startsWith(SERVER_CONTENT_PREFIX)) return null;
  return now + timerSeconds * 1000;
}

/** A message erased because it expired, rather than deleted by its sender: the tombstone came at or after its expiry. */
export function isExpired(row: { deleted_at: number | null; expires_at?: number | null }): boolean {
  return row.deleted_at !== null && row.expires_at !== null && row.expires_at !== undefined && row.deleted_at >= row.expires_at;
}
