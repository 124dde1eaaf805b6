/**
 * What goes inside an MLS application message: the rich content codec (`../content/codec.ts`: messages with text,
 * reply, mentions and files; edits; reactions), and what this device keeps of each log entry it has read. A payload
 * that does not parse is shown as unreadable, never as text.
 */
import { z } from 'zod';
import { AttachmentDescriptor } from '../content/attachment.js';
import { decodeRichContent, encodeRichContent, type RichContent } from '../content/codec.js';

export type Content = RichContent;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Content → the plaintext string MLS encrypts (throws ContentError on a value out of bounds). */
export function encodeContent(content: Content): string {
  return decoder.decode(encodeRichContent(content));
}

export function decodeContent(payload: string): Content | undefined {
  return decodeRichContent(encoder.encode(payload));
}

/** Reaction marks one message keeps at most (the newest win; a vault record must stay small). */
export const MAX_REACTION_MARKS = 400;

/** One user's latest word on one emoji of a message: last writer (by log position) wins. */
export const ReactionMark = z.strictObject({
  emoji: z.string().max(32),
  user: z.string().max(64),
  /** The log position of the reaction entry that set it. */
  seq: z.number().int().positive(),
  on: z.boolean(),
});
export type ReactionMark = z.infer<typeof ReactionMark>;

const MessageRef = z.strictObject({ id: z.string().max(64), seq: z.number().int().positive() });

/** What the store keeps for a message this device has read or sent. */
export const StoredText = z.strictObject({
  text: z.string().optional(),
  error: z.string().optional(),
  /** Who signed it (MLS sender), and the latest edit's time. */
  sender: z.string().optional(),
  editedAt: z.string().optional(),
  id: z.string().optional(),
  sentAt: z.string().optional(),
  /** The files, the message it answers and the users it mentions (all only ever inside MLS and this store). */
  attachments: z.array(AttachmentDescriptor).optional(),
  replyTo: MessageRef.optional(),
  mentions: z.array(z.string().max(64)).optional(),
  /** Reactions to this message, kept even before its text arrives (from the vault, say). */
  reactions: z.array(ReactionMark).max(MAX_REACTION_MARKS).optional(),
  /** This log entry is an edit of the message at that sequence number (not shown by itself)... */
  editOf: z.number().int().optional(),
  /** ...that message's id, and the text it gives it (at `editedAt`): a device that reads the edit first applies it later. */
  targetId: z.string().optional(),
  editText: z.string().optional(),
  /** The newest edit of this message known here while its text is not (it comes later, from the vault). */
  pendingEdit: z.strictObject({ id: z.string(), sender: z.string(), text: z.string(), editedAt: z.string() }).optional(),
  /** This log entry is a reaction to the message at that sequence number (not shown by itself): what it says. */
  reactionOf: z.number().int().optional(),
  reaction: z.strictObject({ targetId: z.string(), emoji: z.string().max(32), on: z.boolean() }).optional(),
  /** This log entry shares its sender's profile key (base64url; not shown by itself). */
  profileKey: z.string().max(64).optional(),
});
export type StoredText = z.infer<typeof StoredText>;

export const encodeStoredText = (value: StoredText): Uint8Array => encoder.encode(JSON.stringify(value));
export function decodeStoredText(bytes: Uint8Array): StoredText | undefined {
  try {
    const parsed = StoredText.safeParse(JSON.parse(decoder.decode(bytes)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
