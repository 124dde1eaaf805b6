import type { MessageDto } from '../../protocol/messages.js';
import type { MessageWithSender } from '../db/repositories/messages.js';
import { isExpired } from '../policies/disappearing.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** The body goes out as the bytes stored: the server never decodes it. */
export function presentMessage(row: MessageWithSender): MessageDto {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    sender: row.sender_username,
    contentType: row.content_type,
    body: row.body,
    sentAt: iso(row.created_at),
    editedAt: row.edited_at === null ? null : iso(row.edited_at),
    deleted: row.deleted_at !== null,
    expiresAt: row.expires_at === null || row.expires_at === undefined ? null : iso(row.expires_at),
    ...(isExpired(row) ? { expired: true } : {}),
  };
}
