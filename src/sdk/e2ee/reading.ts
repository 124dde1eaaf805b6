/** Reading one encrypted log entry, and filling history from the vault: the pure steps of the engine's read path. */
import { isMlsApplication } from '../../protocol/e2e.js';
import type { MessageDto } from '../../protocol/messages.js';
import { isMlsCryptoError } from '../crypto/index.js';
import { decodeContent, type Content, type StoredText } from './content.js';
import { markOfEntry, mergeReactions, reactionEntry, withReaction } from './reactions.js';
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
  return { value: { ...meta, sender, ...(content.kind === 'message' ? messageFields(content) : {}) }, content, ...mine };
}

/** What the store keeps of a message's content (empty lists left out). */
export function messageFields(content: Extract<Content, { kind: 'message' }>): StoredText {
  return {
    text: content.text,
    ...(content.attachments.length > 0 ? { attachments: content.attachments } : {}),
    ...(content.replyTo ? { replyTo: content.replyTo } : {}),
    ...(content.mentions.length > 0 ? { mentions: content.mentions } : {}),
  };
}

/** One edit: the message it changes (id, sender) and what it makes of it. */
export interface Edit {
  id: string;
  sender: string;
  text: string;
  editedAt: string;
}

/**
 * The target with the edit applied, or undefined if the edit does not apply: not the same sender's message, or the
 * target already holds this edit or a newer one. Newest wins, so a device reaches the same text whatever order it
 * learns the message and its edits in (live, caught up, or from the vault).
 */
export function withEdit(target: StoredText, edit: Edit): StoredText | undefined {
  if (target.text === undefined || target.sender !== edit.sender || target.id !== edit.id) return undefined;
  if (target.editedAt !== undefined && target.editedAt >= edit.editedAt) return undefined;
  return { ...target, text: edit.text, editedAt: edit.editedAt };
}

/** What an edit's own log entry keeps (and the vault with it): where it points and what it says. */
export function editEntry(sender: string, targetSeq: number, edit: Edit): StoredText {
  return { sender, editOf: targetSeq, targetId: edit.id, editText: edit.text, editedAt: edit.editedAt };
}

/** The edit an entry's record holds (undefined for a record made before edits were kept whole). */
function editOfEntry(entry: StoredText): Edit | undefined {
  const { targetId, sender, editText, editedAt } = entry;
  return targetId !== undefined && sender !== undefined && editText !== undefined && editedAt !== undefined
    ? { id: targetId, sender, text: editText, editedAt }
    : undefined;
}

/**
 * Applies an edit to the target this device holds; a target it does not hold yet keeps the edit as pending (applied
 * once its text arrives). Returns what to store for the target (undefined: nothing changes).
 */
export function editTarget(target: StoredText | undefined, edit: Edit): { value: StoredText; edited: boolean } | undefined {
  if (target?.text !== undefined) {
    const edited = withEdit(target, edit);
    return edited && { value: edited, edited: true };
  }
  const pending = target?.pendingEdit;
  if (pending && pending.editedAt >= edit.editedAt) return undefined;
  return { value: { ...target, pendingEdit: edit }, edited: false };
}

/**
 * Messages this device never read (sent before it existed, or while it was not in the group) from the vault. Edits
 * are applied whichever comes first, the edit or its target (the vault may still hold a target's older copy).
 */
export async function fillFromVault(groups: GroupStore, vault: Vault, conversationId: string, page: MessageDto[]): Promise<void> {
  const missing: number[] = [];
  for (const m of page) {
    if (!isMlsApplication(m.contentType) || m.deleted) continue;
    const stored = await groups.text(conversationId, m.seq);
    if (stored?.text === undefined && stored?.editOf === undefined && stored?.reactionOf === undefined && stored?.profileKey === undefined) {
      missing.push(m.seq);
    }
  }
  const found = await vault.fetch(conversationId, missing);
  for (const [seq, value] of [...found].sort(([a], [b]) => a - b)) {
    const local = await groups.text(conversationId, seq);
    const pending = local?.pendingEdit;
    // Reactions this device already holds for it (read before its text) stay: marks merge, the newest winning.
    const merged = mergeReactions(value, local?.reactions);
    await groups.saveText(conversationId, seq, (pending && withEdit(merged, pending)) ?? merged);
    const mark = markOfEntry(value, seq);
    if (mark && value.reactionOf !== undefined) {
      const target = await groups.text(conversationId, value.reactionOf);
      const reacted = reactionTarget(target, value.reaction?.targetId ?? '', mark);
      if (reacted) await groups.saveText(conversationId, value.reactionOf, reacted);
      continue;
    }
    const edit = value.editOf !== undefined ? editOfEntry(value) : undefined;
    if (value.editOf === undefined || !edit) continue;
    const target = editTarget(await groups.text(conversationId, value.editOf), edit);
    if (target) await groups.saveText(conversationId, value.editOf, target.value);
  }
}

/**
 * An edit is applied to its target only if the target is the same sender's message; the edit itself is not shown
 * (stored as `editOf`). Returns what to store, and the target as it now reads (undefined if not changed).
 */
export async function applyEdit(
  groups: GroupStore,
  dto: MessageDto,
  value: StoredText,
  content: Extract<Content, { kind: 'edit' }>,
): Promise<{ texts: { seq: number; value: StoredText }[]; edited: StoredText | undefined }> {
  const texts: { seq: number; value: StoredText }[] = [];
  if (value.sender === undefined) return { texts: [{ seq: dto.seq, value }], edited: undefined };
  const edit: Edit = { id: content.target.id, sender: value.sender, text: content.text, editedAt: dto.sentAt };
  texts.push({ seq: dto.seq, value: editEntry(value.sender, content.target.seq, edit) });
  const target = editTarget(await groups.text(dto.conversationId, content.target.seq), edit);
  if (target) texts.push({ seq: content.target.seq, value: target.value });
  return { texts, edited: target?.edited ? target.value : undefined };
}

/** The target with a reaction mark applied, unless it is another message than the one the reaction names. */
export function reactionTarget(target: StoredText | undefined, targetId: string, mark: Parameters<typeof withReaction>[1]): StoredText | undefined {
  if (target?.id !== undefined && target.id !== targetId) return undefined;
  return withReaction(target, mark);
}

/**
 * A reaction is applied to its target (any message of the conversation); the reaction itself is not shown (stored as
 * `reactionOf`). Returns what to store, and the target as it now reads (undefined if not changed or not held here).
 */
export async function applyReaction(
  groups: GroupStore,
  dto: MessageDto,
  value: StoredText,
  content: Extract<Content, { kind: 'reaction' }>,
): Promise<{ texts: { seq: number; value: StoredText }[]; reacted: StoredText | undefined }> {
  if (value.sender === undefined) return { texts: [{ seq: dto.seq, value }], reacted: undefined };
  const on = content.action === 'add';
  const texts = [{ seq: dto.seq, value: reactionEntry(value.sender, content.target.seq, content.target.id, content.emoji, on) }];
  const mark = { emoji: content.emoji, user: value.sender, seq: dto.seq, on };
  const target = reactionTarget(await groups.text(dto.conversationId, content.target.seq), content.target.id, mark);
  if (target) texts.push({ seq: content.target.seq, value: target });
  return { texts, reacted: target?.text !== undefined ? target : undefined };
}

/**
 * Why this device holds no text for an entry it had no keys for (nor a vault copy): it was committed out of the
 * group before the entry (removed), or it was not in the group yet.
 */
export async function unreadReason(groups: GroupStore, dto: MessageDto): Promise<string> {
  const removedAt = await groups.removedAt(dto.conversationId);
  return removedAt !== undefined && dto.seq > removedAt ? UNDECRYPTABLE.removed : UNDECRYPTABLE.notJoined;
}
