/**
 * Reactions as marks: each user's latest word on each emoji of a message, the newest log position winning. Applying
 * marks is order-free, so every device reaches the same reactions whatever order it reads the message and its
 * reactions in (live, caught up, or from the vault).
 */
import type { MessageReaction } from '../message-stream.js';
import { MAX_REACTION_MARKS, type ReactionMark, type StoredText } from './content.js';

/** The target with one mark applied; undefined if it changes nothing (an older or the same mark). */
export function withReaction(target: StoredText | undefined, mark: ReactionMark): StoredText | undefined {
  const marks = target?.reactions ?? [];
  const existing = marks.find((m) => m.emoji === mark.emoji && m.user === mark.user);
  if (existing && existing.seq >= mark.seq) return undefined;
  let next = [...marks.filter((m) => m !== existing), mark];
  if (next.length > MAX_REACTION_MARKS) {
    // Marks that are off say nothing once older entries are gone: they go first, then the oldest.
    next = next.filter((m) => m.on || m === mark).sort((a, b) => a.seq - b.seq).slice(-MAX_REACTION_MARKS);
  }
  return { ...target, reactions: next };
}

/** Several marks at once (a vault copy and the marks this device already holds). */
export function mergeReactions(target: StoredText, marks: readonly ReactionMark[] | undefined): StoredText {
  let next = target;
  for (const mark of marks ?? []) next = withReaction(next, mark) ?? next;
  return next;
}

/** What a reaction's own log entry keeps (and the vault with it). */
export function reactionEntry(sender: string, targetSeq: number, targetId: string, emoji: string, on: boolean): StoredText {
  return { sender, reactionOf: targetSeq, reaction: { targetId, emoji, on } };
}

/** The mark a reaction entry holds, if it is one. */
export function markOfEntry(entry: StoredText, seq: number): ReactionMark | undefined {
  if (entry.reactionOf === undefined || !entry.reaction || entry.sender === undefined) return undefined;
  return { emoji: entry.reaction.emoji, user: entry.sender, seq, on: entry.reaction.on };
}

/** Marks → what a message shows: per emoji (in the order each was first put) the users whose mark is on. */
export function aggregateReactions(marks: readonly ReactionMark[] | undefined): MessageReaction[] {
  const byEmoji = new Map<string, ReactionMark[]>();
  for (const m of [...(marks ?? [])].sort((a, b) => a.seq - b.seq)) {
    if (!m.on) continue;
    const list = byEmoji.get(m.emoji) ?? [];
    list.push(m);
    byEmoji.set(m.emoji, list);
  }
  return [...byEmoji].map(([emoji, list]) => ({ emoji, users: list.map((m) => m.user) }));
}
