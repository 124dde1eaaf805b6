/**
 * The rich content codec: what goes inside an MLS application message, encoded and decoded here and nowhere else.
 * Pure functions, no I/O.
 *
 * Wire form: UTF-8 JSON with a version and a type.
 *   { v: 2, type: 'message', text?, replyTo?, mentions?, attachments? }   a message (text and/or files, a reply, mentions)
 *   { v: 2, type: 'edit', target: { id, seq }, text }                     replaces the text of the sender's own message
 *   { v: 2, type: 'reaction', target: { id, seq }, emoji, remove? }       toggles one emoji on a message
 *   { v: 2, type: 'profile-key', key }                                   the sender's profile key (32 bytes, base64url): not shown
 *   { v: 1, type: 'text', text } and { v: 1, type: 'edit', … }            what earlier clients sent, still read
 * Tolerance: fields this version does not know are ignored, and a type it does not know decodes as `unknown` (shown
 * as "needs a newer version", never as text). Strictness: every size is bounded on encode and on decode, and a payload
 * that breaks a bound or is not JSON decodes as undefined (unreadable).
 */
import { z } from 'zod';
import { Username } from '../../protocol/common.js';
import { AttachmentDescriptor } from './attachment.js';

export const CONTENT_VERSION = 2;

export const CONTENT_LIMITS = {
  /** The whole encoded payload (the MLS message adds its framing; the server's body limit is 65,536 bytes). */
  payloadBytes: 60 * 1024,
  textChars: 20_000,
  mentions: 50,
  attachments: 10,
  /** UTF-16 units of one reaction (one emoji, skin tones and joiners included). */
  emojiChars: 32,
} as const;

const MessageRef = z.object({ id: z.uuid(), seq: z.number().int().positive() });
export type MessageRef = z.infer<typeof MessageRef>;

const Text = z.string().max(CONTENT_LIMITS.textChars);

/** One emoji: a single grapheme that is pictographic (or a flag or keycap). */
export function isSingleEmoji(value: string): boolean {
  if (value.length === 0 || value.length > CONTENT_LIMITS.emojiChars) return false;
  const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(value)];
  if (graphemes.length !== 1) return false;
  return /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u.test(value);
}

const Emoji = z.string().refine(isSingleEmoji, 'must be one emoji');

const MessageWire = z.object({
  type: z.literal('message'),
  text: Text.optional(),
  replyTo: MessageRef.optional(),
  mentions: z.array(Username).max(CONTENT_LIMITS.mentions).optional(),
  attachments: z.array(AttachmentDescriptor).max(CONTENT_LIMITS.attachments).optional(),
});
const TextWire = z.object({ type: z.literal('text'), text: Text });
const EditWire = z.object({ type: z.literal('edit'), target: MessageRef, text: Text });
const ProfileKeyWire = z.object({ type: z.literal('profile-key'), key: z.string().length(43).regex(/^[A-Za-z0-9_-]+$/) });
const ReactionWire = z.object({ type: z.literal('reaction'), target: MessageRef, emoji: Emoji, remove: z.literal(true).optional() });

/** A decoded payload, whatever version it came in. */
export type RichContent =
  | {
      kind: 'message';
      text: string;
      replyTo: MessageRef | null;
      mentions: string[];
      attachments: AttachmentDescriptor[];
    }
  | { kind: 'edit'; target: MessageRef; text: string }
  | { kind: 'reaction'; target: MessageRef; emoji: string; action: 'add' | 'remove' }
  /** The sender's profile key (base64url of 32 bytes), shared with the members: opens the sender's sealed profile. */
  | { kind: 'profile-key'; key: string }
  /** A kind from a newer client. */
  | { kind: 'unknown'; type: string };

export class ContentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContentError';
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function wireOf(content: RichContent): Record<string, unknown> {
  switch (content.kind) {
    case 'message': {
      if (content.text === '' && content.attachments.length === 0) throw new ContentError('A message needs text or a file.');
      const mentions = [...new Set(content.mentions)];
      const wire = {
        type: 'message',
        ...(content.text !== '' ? { text: content.text } : {}),
        ...(content.replyTo ? { replyTo: content.replyTo } : {}),
        ...(mentions.length > 0 ? { mentions } : {}),
        ...(content.attachments.length > 0 ? { attachments: content.attachments } : {}),
      };
      return parseOrThrow(MessageWire, wire);
    }
    case 'edit':
      return parseOrThrow(EditWire, { type: 'edit', target: content.target, text: content.text });
    case 'reaction':
      return parseOrThrow(ReactionWire, {
        type: 'reaction',
        target: content.target,
        emoji: content.emoji,
        ...(content.action === 'remove' ? { remove: true } : {}),
      });
    case 'profile-key':
      return parseOrThrow(ProfileKeyWire, { type: 'profile-key', key: content.key });
    case 'unknown':
      throw new ContentError(`Cannot send content of unknown type "${content.type}".`);
  }
}

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ContentError(`Invalid content: ${issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'invalid'}`);
  }
  return parsed.data;
}

/** Content → the bytes an MLS application message carries. Throws ContentError on a value that breaks a bound. */
export function encodeRichContent(content: RichContent): Uint8Array {
  const bytes = encoder.encode(JSON.stringify({ v: CONTENT_VERSION, ...wireOf(content) }));
  if (bytes.length > CONTENT_LIMITS.payloadBytes) {
    throw new ContentError(`The message is ${bytes.length} bytes once encoded: at most ${CONTENT_LIMITS.payloadBytes}.`);
  }
  return bytes;
}

const Envelope = z.object({ v: z.number().int().positive(), type: z.string().min(1).max(64) });

/** The bytes of an MLS application message → content; undefined for anything unreadable or out of bounds. */
export function decodeRichContent(bytes: Uint8Array): RichContent | undefined {
  if (bytes.length > CONTENT_LIMITS.payloadBytes) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
  const envelope = Envelope.safeParse(json);
  if (!envelope.success) return undefined;
  const pick = <S extends z.ZodType>(schema: S): z.infer<S> | undefined => {
    const parsed = schema.safeParse(json);
    return parsed.success ? parsed.data : undefined;
  };
  switch (envelope.data.type) {
    case 'message': {
      const m = pick(MessageWire);
      if (!m) return undefined;
      return {
        kind: 'message',
        text: m.text ?? '',
        replyTo: m.replyTo ?? null,
        mentions: [...new Set(m.mentions ?? [])],
        attachments: m.attachments ?? [],
      };
    }
    case 'text': {
      const t = pick(TextWire);
      return t && { kind: 'message', text: t.text, replyTo: null, mentions: [], attachments: [] };
    }
    case 'edit': {
      const e = pick(EditWire);
      return e && { kind: 'edit', target: e.target, text: e.text };
    }
    case 'reaction': {
      const r = pick(ReactionWire);
      return r && { kind: 'reaction', target: r.target, emoji: r.emoji, action: r.remove ? 'remove' : 'add' };
    }
    case 'profile-key': {
      const k = pick(ProfileKeyWire);
      return k && { kind: 'profile-key', key: k.key };
    }
    default:
      return { kind: 'unknown', type: envelope.data.type };
  }
}
