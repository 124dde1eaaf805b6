import { describe, expect, it } from 'vitest';
import type { ConversationDto, Message } from '../../sdk/index.js';
import { buildRows, listNames, seenReceipt } from './message-rows.js';
import { conversationRead, conversationWithMessage, mergeMessages, withoutPendingCopy } from './state.js';

const base = Date.parse('2025-03-07T10:00:00Z');
function msg(seq: number, sender = 'bob', minutes = seq, text = `m${seq}`): Message {
  return {
    id: `id-${seq}`,
    seq,
    conversationId: 'c',
    sender,
    text,
    sentAt: new Date(base + minutes * 60_000).toISOString(),
    editedAt: null,
    deleted: false,
    contentType: 'text/plain',
    encrypted: false,
    decryptionError: null,
    attachments: [],
    replyTo: null,
    quote: null,
    mentions: [],
    reactions: [],
  };
}

const conversation: ConversationDto = {
  id: 'c',
  kind: 'group',
  name: 'g',
  members: [
    { username: 'alice', role: 'owner' },
    { username: 'bob', role: 'member' },
    { username: 'carol', role: 'member' },
  ],
  myRole: 'owner',
  lastSeq: 3,
  joinedSeq: 0,
  readSeq: 3,
  unread: 0,
  lastActivityAt: new Date(base).toISOString(),
};

describe('web chat state', () => {
  it('merges pages and live messages by sequence number, each once, in order', () => {
    const live = [msg(5), msg(6)];
    const page = [msg(3), msg(4), msg(5)];
    expect(mergeMessages(live, page).map((m) => m.seq)).toEqual([3, 4, 5, 6]);
    expect(mergeMessages([msg(1)], [msg(2)]).map((m) => m.seq)).toEqual([1, 2]);
    expect(mergeMessages([msg(1), msg(3)], [msg(2)]).map((m) => m.seq)).toEqual([1, 2, 3]);
    const same = [msg(1)];
    expect(mergeMessages(same, [])).toBe(same);
  });

  it('counts unread messages from others only, and clears them when read', () => {
    const fromBob = conversationWithMessage(conversation, msg(4), 'alice', false);
    expect(fromBob).toMatchObject({ lastSeq: 4, unread: 1, readSeq: 3 });
    expect(conversationWithMessage(fromBob, msg(4), 'alice', false)).toBe(fromBob); // the same message twice
    expect(conversationWithMessage(fromBob, msg(5), 'alice', true).unread).toBe(1); // on screen: not counted
    expect(conversationWithMessage(fromBob, msg(5, 'alice'), 'alice', false)).toMatchObject({ unread: 0, readSeq: 5 });
    expect(conversationRead(fromBob, 4)).toMatchObject({ unread: 0, readSeq: 4 });
  });

  it('groups consecutive messages of one sender and separates days', () => {
    const day2 = msg(4, 'bob', 24 * 60);
    const rows = buildRows([msg(1), msg(2), msg(3, 'alice'), day2, msg(5, 'bob', 24 * 60 + 20)], 'alice');
    expect(rows.map((r) => (r.kind === 'day' ? 'day' : `${r.sender}:${r.messages.map((m) => m.seq).join(',')}`))).toEqual([
      'day',
      'bob:1,2',
      'alice:3',
      'day',
      'bob:4',
      'bob:5',
    ]);
  });

  it('shows who has read the newest own message', () => {
    const messages = [msg(1), msg(2, 'alice'), msg(3, 'alice')];
    expect(seenReceipt(messages, conversation, 'alice', { bob: 2 })).toBeUndefined();
    expect(seenReceipt(messages, conversation, 'alice', { bob: 3, carol: 9 })).toEqual({ messageId: 'id-3', names: ['bob', 'carol'] });
    expect(listNames(['bob', 'carol', 'dave'])).toBe('bob, carol and dave');
  });

  it('drops the pending copy of an own message when its event arrives first', () => {
    const pending = { c: [{ key: 'a', text: 'hi', status: 'sending' as const }, { key: 'b', text: 'hi', status: 'sending' as const }] };
    expect(withoutPendingCopy(pending, msg(1, 'alice', 1, 'hi')).c?.map((p) => p.key)).toEqual(['b']);
    expect(withoutPendingCopy(pending, msg(1, 'alice', 1, 'other'))).toBe(pending);
  });
});
