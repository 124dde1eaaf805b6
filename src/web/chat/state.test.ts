import { describe, expect, it } from 'vitest';
import type { ConversationDto, EngineMessage, EngineState } from '../../sdk/index.js';
import { buildRows, listNames, messageKey, seenReceipt } from './message-rows.js';
import { initialState, withEngine } from './state.js';

const base = Date.parse('2025-03-07T10:00:00Z');
function msg(seq: number, sender = 'bob', minutes = seq, text = `m${seq}`): EngineMessage {
  return {
    status: 'sent',
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
  it('groups consecutive messages of one sender and separates days', () => {
    const day2 = msg(4, 'bob', 24 * 60);
    const rows = buildRows([msg(1), msg(2), msg(3, 'alice'), day2, msg(5, 'bob', 24 * 60 + 20)], 'alice');
    expect(rows.map((r) => (r.kind === 'day' ? 'day' : r.kind === 'notice' ? 'notice' : `${r.sender}:${r.messages.map((m) => m.seq).join(',')}`))).toEqual([
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

  it('reads a member\'s later message as a receipt, and gives no receipt to a message not yet stored', () => {
    const messages = [msg(1, 'alice'), msg(2, 'bob')];
    expect(seenReceipt(messages, conversation, 'alice', undefined)).toEqual({ messageId: 'id-1', names: ['bob'] });
    const echo: EngineMessage = { ...msg(0, 'alice'), id: '', status: 'pending', localId: 'local-1' };
    expect(seenReceipt([echo], conversation, 'alice', { bob: 9 })).toBeUndefined();
    expect(messageKey(echo)).toBe('local-1');
    expect(messageKey({ ...msg(3, 'alice'), localId: 'local-1' })).toBe('local-1');
  });

  it('renders the engine\'s conversations as they are, and keeps the record while only a preview changes', () => {
    const entry = { conversation };
    const engine: EngineState = { loaded: true, conversations: { c: entry }, windows: {} };
    const s = initialState('alice', engine);
    expect(s.conversations.c).toBe(conversation);
    expect(s.loaded).toBe(false); // contacts not fetched yet
    const previewed = withEngine(s, { ...engine, conversations: { c: { ...entry, preview: msg(3) } } });
    expect(previewed.conversations).toBe(s.conversations);
    const renamed = withEngine(s, { ...engine, conversations: { c: { conversation: { ...conversation, name: 'h' } } } });
    expect(renamed.conversations.c?.name).toBe('h');
  });
});
