/** What this device keeps (and copies to the vault) of its own sends and of deletions: the write side of reading.ts. */
import type { MessageDto } from '../../protocol/messages.js';
import type { Content, StoredText } from './content.js';
import type { GroupStore } from './groups.js';
import { editEntry, messageFields, reactionTarget, withEdit } from './reading.js';
import { reactionEntry } from './reactions.js';
import type { Vault } from './vault.js';

/**
 * The server stored our message: its text is kept for history (MLS cannot decrypt our own messages again); an edit is
 * applied to its target and its own entry kept whole. Returns the message as it now reads: its position and record.
 */
export async function recordSent(
  groups: GroupStore,
  vault: Vault,
  username: string,
  dto: MessageDto,
  content: Content,
): Promise<{ seq: number; value: StoredText }> {
  const { conversationId } = dto;
  if (content.kind === 'message') {
    const value = { id: dto.id, sentAt: dto.sentAt, sender: username, ...messageFields(content) };
    await groups.saveText(conversationId, dto.seq, value);
    vault.enqueue(conversationId, dto.seq, value);
    return { seq: dto.seq, value };
  }
  if (content.kind === 'reaction') {
    const on = content.action === 'add';
    const entry = reactionEntry(username, content.target.seq, content.target.id, content.emoji, on);
    await groups.saveText(conversationId, dto.seq, entry);
    vault.enqueue(conversationId, dto.seq, entry);
    const before = await groups.text(conversationId, content.target.seq);
    const target = reactionTarget(before, content.target.id, { emoji: content.emoji, user: username, seq: dto.seq, on });
    if (target) {
      await groups.saveText(conversationId, content.target.seq, target);
      vault.enqueue(conversationId, content.target.seq, target);
    }
    return { seq: content.target.seq, value: target ?? before ?? {} };
  }
  if (content.kind === 'profile-key') {
    const entry = { id: dto.id, sentAt: dto.sentAt, sender: username, profileKey: content.key };
    await groups.saveText(conversationId, dto.seq, entry);
    vault.enqueue(conversationId, dto.seq, entry);
    return { seq: dto.seq, value: entry };
  }
  if (content.kind !== 'edit') throw new Error(`recordSent: cannot record content of kind ${content.kind}`);
  const target = await groups.text(conversationId, content.target.seq);
  const edit = { id: content.target.id, sender: username, text: content.text, editedAt: dto.sentAt };
  const edited = (target && withEdit(target, edit)) ?? { ...target, text: content.text, editedAt: dto.sentAt };
  const entry = editEntry(username, content.target.seq, edit);
  await groups.saveText(conversationId, content.target.seq, edited);
  await groups.saveText(conversationId, dto.seq, entry);
  vault.enqueue(conversationId, content.target.seq, edited);
  vault.enqueue(conversationId, dto.seq, entry);
  return { seq: content.target.seq, value: edited };
}

/** A deleted message's text is erased here, and its vault copy replaced by one without text. */
export async function recordErased(groups: GroupStore, vault: Vault, dto: MessageDto): Promise<void> {
  const erased = { id: dto.id, sentAt: dto.sentAt, sender: dto.sender };
  await groups.saveText(dto.conversationId, dto.seq, erased);
  // An expired message's vault copies were deleted by the server with it: an erased record uploaded now would put a
  // row about it back (and outlive the message). A deleted one's record replaces the copies of its text.
  if (dto.expired) vault.forget(dto.conversationId, dto.seq);
  else vault.enqueue(dto.conversationId, dto.seq, erased);
}
