/**
 * What goes inside an MLS application message: a small JSON envelope, so that later kinds (edits, vault records) can
 * travel the same way. A payload that does not parse is shown as unreadable, never as text.
 */
import { z } from 'zod';

const Content = z.discriminatedUnion('type', [
  z.strictObject({ v: z.literal(1), type: z.literal('text'), text: z.string() }),
  /** Replaces the text of an earlier message of the same sender (checked by every reader). */
  z.strictObject({
    v: z.literal(1),
    type: z.literal('edit'),
    target: z.strictObject({ id: z.string().max(64), seq: z.number().int().positive() }),
    text: z.string(),
  }),
]);
export type Content = z.infer<typeof Content>;

export function encodeContent(content: Content): string {
  return JSON.stringify(content);
}

export function decodeContent(payload: string): Content | undefined {
  try {
    const parsed = Content.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** What the store keeps for a message this device has read or sent. */
export const StoredText = z.strictObject({
  text: z.string().optional(),
  error: z.string().optional(),
  /** Who signed it (MLS sender), and the latest edit's time. */
  sender: z.string().optional(),
  editedAt: z.string().optional(),
  id: z.string().optional(),
  sentAt: z.string().optional(),
  /** This log entry is an edit of the message at that sequence number (not shown by itself)... */
  editOf: z.number().int().optional(),
  /** ...that message's id, and the text it gives it (at `editedAt`): a device that reads the edit first applies it later. */
  targetId: z.string().optional(),
  editText: z.string().optional(),
  /** The newest edit of this message known here while its text is not (it comes later, from the vault). */
  pendingEdit: z.strictObject({ id: z.string(), sender: z.string(), text: z.string(), editedAt: z.string() }).optional(),
});
export type StoredText = z.infer<typeof StoredText>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const encodeStoredText = (value: StoredText): Uint8Array => encoder.encode(JSON.stringify(value));
export function decodeStoredText(bytes: Uint8Array): StoredText | undefined {
  try {
    const parsed = StoredText.safeParse(JSON.parse(decoder.decode(bytes)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
