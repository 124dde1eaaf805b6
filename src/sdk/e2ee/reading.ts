/** Reading one encrypted log entry, and filling history from the vault: the pure steps of the engine's read path. */
import { MLS_PRIVATE } from '../../protocol/e2e.js';
import type { MessageDto } from '../../protocol/messages.js';
import { isMlsCryptoError } from '../crypto/index.js';
import { decodeContent, type Content, type StoredText } from './content.js';
import { bodyHash, type Group, type GroupStore } from './groups.js';
import type { Vault } from './vault.js';
import { UNDECRYPTABLE } from './views.js';

/**
 * Our own ciphertext (MLS cannot decrypt it) is read from the store; anything else is decrypted. The MLS sender must
 * be the sender the server names; the content must be one we understand. `own`: the stored plaintext to forget.
 */
export async function openBody(
  groups: GroupStore,
  username: string,
  group: Group,
  dto: MessageDto,
): Promise<{ value: StoredText; content?: Content; own?: string }> {
  const hash = await bodyHash(dto.body);
  const meta = { id: dto.id, sentAt: dto.sentAt };
  const own = await groups.own(dto.conversationId, hash);
  let payload: string;
  let sender: string;
  if (own !== undefined) {
    [payload, sender] = [own, username];
  } else {
    try {
      const decrypted = await group.conversation.decrypt(dto.body);
      [payload, sender] = [decrypted.text, decrypted.sender.username];
    } catch (err) {
      if (isMlsCryptoError(err)) return { value: { ...meta, error: UNDECRYPTABLE.failed } };
      throw err;
    }
  }
  const mine = own !== undefined ? { own: hash } : {};
  if (sender !== dto.sender) return { value: { ...meta, error: UNDECRYPTABLE.impostor }, ...mine };
  const content = decodeContent(payload);
  if (!content) return { value: { ...meta, sender, error: UNDECRYPTABLE.unreadable }, ...mine };
  return { value: { ...meta, sender, ...(content.type === 'text' ? { text: content.text } : {}) }, content, ...mine };
}

/** Messages this device never read (sent before it existed, or while it was not in the group) from the vault. */
export async function fillFromVault(groups: GroupStore, vault: Vault, conversationId: string, page: MessageDto[]): Promise<void> {
  const missing: number[] = [];
  for (const m of page) {
    if (m.contentType !== MLS_PRIVATE || m.deleted) continue;
    const stored = await groups.text(conversationId, m.seq);
    if (stored?.text === undefined && stored?.editOf === undefined) missing.push(m.seq);
  }
  const found = await vault.fetch(conversationId, missing);
  for (const [seq, value] of found) await groups.saveText(conversationId, seq, value);
}

/**
 * An edit is applied to its target only if the target is the same sender's message; the edit itself is not shown
 * (stored as `editOf`). Returns what to store, and the target as it now reads (undefined if refused).
 */
export async function applyEdit(
  groups: GroupStore,
  dto: MessageDto,
  value: StoredText,
  content: Extract<Content, { type: 'edit' }>,
): Promise<{ texts: { seq: number; value: StoredText }[]; edited: StoredText | undefined }> {
  const target = await groups.text(dto.conversationId, content.target.seq);
  const allowed = target !== undefined && target.sender === value.sender && target.id === content.target.id && target.text !== undefined;
  const edited = allowed ? { ...target, text: content.text, editedAt: dto.sentAt } : undefined;
  const texts: { seq: number; value: StoredText }[] = [{ seq: dto.seq, value: { sender: value.sender, editOf: content.target.seq } }];
  if (edited) texts.push({ seq: content.target.seq, value: edited });
  return { texts, edited };
}
