import { describe, expect, it } from 'vitest';
import { CONTENT_LIMITS, ContentError, decodeRichContent, encodeRichContent, isSingleEmoji, type RichContent } from '../../src/sdk/content/codec.js';
import type { AttachmentDescriptor } from '../../src/sdk/content/attachment.js';

const enc = new TextEncoder();
const json = (value: unknown) => enc.encode(JSON.stringify(value));
const target = { id: '0190f3c2-7a1b-7c3d-8e4f-123456789abc', seq: 42 };
const file: AttachmentDescriptor = {
  blobId: '3f2b8c1e-4d5a-4b6c-9d7e-8f9a0b1c2d3e',
  key: 'A'.repeat(43),
  hash: 'B'.repeat(43),
  name: 'photo.jpg',
  type: 'image/jpeg',
  size: 123_456,
  width: 4032,
  height: 3024,
  thumbnail: 'abc_-',
};
const message = (over: Partial<Extract<RichContent, { kind: 'message' }>> = {}): RichContent => ({
  kind: 'message', text: 'hi @bob', replyTo: null, mentions: [], attachments: [], ...over,
});

describe('rich content codec', () => {
  it('round-trips a message with text, a reply, mentions and attachments', () => {
    const content = message({ replyTo: target, mentions: ['bob', 'carol'], attachments: [file] });
    expect(decodeRichContent(encodeRichContent(content))).toEqual(content);
  });

  it('round-trips edits and reaction add/remove as their own kinds', () => {
    for (const content of [
      { kind: 'edit', target, text: 'fixed' },
      { kind: 'reaction', target, emoji: '👍🏽', action: 'add' },
      { kind: 'reaction', target, emoji: '🇫🇷', action: 'remove' },
    ] as RichContent[]) {
      expect(decodeRichContent(encodeRichContent(content))).toEqual(content);
    }
  });

  it('writes version 2 and leaves out empty fields', () => {
    const wire = JSON.parse(new TextDecoder().decode(encodeRichContent(message({ text: 'x' })))) as unknown;
    expect(wire).toEqual({ v: 2, type: 'message', text: 'x' });
  });

  it('reads what version-1 clients sent', () => {
    expect(decodeRichContent(json({ v: 1, type: 'text', text: 'old' }))).toEqual(message({ text: 'old' }));
    expect(decodeRichContent(json({ v: 1, type: 'edit', target, text: 'e' }))).toEqual({ kind: 'edit', target, text: 'e' });
  });

  it('tolerates fields and kinds from newer clients', () => {
    expect(decodeRichContent(json({ v: 3, type: 'message', text: 'hi', expiresIn: 60, attachments: [{ ...file, blurhash: 'x' }] })))
      .toEqual(message({ text: 'hi', attachments: [file] }));
    expect(decodeRichContent(json({ v: 3, type: 'poll', question: '?' }))).toEqual({ kind: 'unknown', type: 'poll' });
  });

  it('decodes anything malformed or out of bounds as unreadable', () => {
    const bad = [
      enc.encode('not json'),
      new Uint8Array([0xff, 0xfe]),
      json({ type: 'message', text: 'no version' }),
      json({ v: 2, type: 'message', text: 5 }),
      json({ v: 2, type: 'message', text: 'x'.repeat(CONTENT_LIMITS.textChars + 1) }),
      json({ v: 2, type: 'message', mentions: Array.from({ length: 51 }, (_, i) => `user${i}`) }),
      json({ v: 2, type: 'message', attachments: Array.from({ length: 11 }, () => file) }),
      json({ v: 2, type: 'message', attachments: [{ ...file, key: 'short' }] }),
      json({ v: 2, type: 'message', attachments: [{ ...file, name: 'n'.repeat(256) }] }),
      json({ v: 2, type: 'reaction', target, emoji: 'ab' }),
      json({ v: 2, type: 'reaction', target: { id: 'x', seq: 1 }, emoji: '👍' }),
      json({ v: 2, type: 'edit', target: { ...target, seq: 0 }, text: 'x' }),
      enc.encode(JSON.stringify({ v: 2, type: 'message', text: 'x' }).padEnd(CONTENT_LIMITS.payloadBytes + 1, ' ')),
    ];
    for (const bytes of bad) expect(decodeRichContent(bytes)).toBeUndefined();
  });

  it('refuses to encode what it would refuse to decode', () => {
    const refused: RichContent[] = [
      message({ text: '' }),
      message({ text: 'x'.repeat(CONTENT_LIMITS.textChars + 1) }),
      message({ mentions: ['no spaces allowed'] }),
      { kind: 'reaction', target, emoji: '👍👍', action: 'add' },
      { kind: 'unknown', type: 'poll' },
      message({ text: '💥'.repeat(10_000), attachments: Array.from({ length: 10 }, () => ({ ...file, thumbnail: 'a'.repeat(16_000) })) }),
    ];
    for (const content of refused) expect(() => encodeRichContent(content)).toThrow(ContentError);
  });

  it('an attachment-only message needs no text; duplicate mentions collapse', () => {
    const content = message({ text: '', attachments: [file], mentions: ['bob', 'bob'] });
    expect(decodeRichContent(encodeRichContent(content))).toEqual({ ...content, mentions: ['bob'] });
  });

  it('knows one emoji from anything else', () => {
    for (const yes of ['👍', '❤️', '👩🏽‍💻', '🇯🇵', '1️⃣', '🏳️‍🌈']) expect(isSingleEmoji(yes)).toBe(true);
    for (const no of ['', 'a', '👍👍', ' 👍', '<img>', '1']) expect(isSingleEmoji(no)).toBe(false);
  });
});
