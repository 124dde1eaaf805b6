import { describe, expect, it } from 'vitest';
import type { ConversationDto, EngineMessage, EngineState } from '../../sdk/index.js';
import { fromSnapshot, SNAPSHOT_MESSAGES, snapshotState, takeSnapshot, type OutboxEntry } from './snapshot.js';

const conversation = (id: string): ConversationDto =>
  ({ id, kind: 'direct', name: null, members: [], lastSeq: 9, joinedSeq: 0, readSeq: 0, unread: 2, lastActivityAt: '2026-01-01T00:00:00.000Z' }) as unknown as ConversationDto;

const KEY = 'k'.repeat(43);
const HASH = 'h'.repeat(43);

const message = (seq: number, status: EngineMessage['status'] = 'sent'): EngineMessage => ({
  id: `m${seq}`,
  seq,
  conversationId: 'c1',
  sender: 'bob',
  text: `text ${seq}`,
  sentAt: '2026-01-01T00:00:00.000Z',
  editedAt: null,
  deleted: false,
  contentType: '',
  encrypted: true,
  decryptionError: null,
  attachments: [{ blobId: 'b1', key: KEY, hash: HASH, name: 'notes.txt', type: 'text/plain', size: 12, thumbnail: 'dGh1bWI' }],
  replyTo: null,
  quote: null,
  mentions: [],
  reactions: [],
  status,
  ...(status === 'sent' ? {} : { localId: `l${seq}` }),
});

const engine = (messages: EngineMessage[] | undefined): EngineState => ({
  loaded: true,
  conversations: { c1: { conversation: conversation('c1'), preview: message(9) }, c2: { conversation: conversation('c2') } },
  windows: messages ? { c1: { messages, hasMore: false, status: 'ready', loadingOlder: false } } : {},
});

describe('the offline snapshot', () => {
  it('keeps the newest stored messages of each open window, without echoes, and files without their key or hash', () => {
    const many = Array.from({ length: SNAPSHOT_MESSAGES + 5 }, (_, i) => message(i + 1));
    const snap = takeSnapshot(undefined, engine([...many, message(99, 'pending')]), []);
    expect(snap.windows.c1).toHaveLength(SNAPSHOT_MESSAGES);
    expect(snap.windows.c1?.at(-1)?.seq).toBe(SNAPSHOT_MESSAGES + 5);
    expect(snap.windows.c1?.every((m) => m.status === 'sent')).toBe(true);
    expect(snap.windows.c1?.[0]?.attachments).toEqual([{ blobId: 'b1', name: 'notes.txt', type: 'text/plain', size: 12 }]);
    expect(snap.conversations.c1?.preview?.attachments).toEqual([{ blobId: 'b1', name: 'notes.txt', type: 'text/plain', size: 12 }]);
    const sealed = JSON.stringify(snap);
    expect(sealed).not.toContain(KEY);
    expect(sealed).not.toContain(HASH);
    expect(sealed).not.toContain('dGh1bWI');
    expect(Object.keys(snap.conversations)).toEqual(['c1', 'c2']);
    expect(snap.windows.c2).toBeUndefined();
  });

  it('keeps the previous window of a conversation not opened since', () => {
    const first = takeSnapshot(undefined, engine([message(1), message(2)]), []);
    const second = takeSnapshot(first, engine(undefined), []);
    expect(second.windows.c1?.map((m) => m.seq)).toEqual([1, 2]);
  });

  it('renders the outbox after the saved window, pending, as the newest preview', () => {
    const snap = takeSnapshot(undefined, engine([message(1)]), []);
    const waiting: OutboxEntry = { localId: 'k1', conversationId: 'c1', text: 'written offline', createdAt: '2026-01-02T00:00:00.000Z' };
    const state = snapshotState(snap, [waiting], 'alice');
    expect(state.loaded).toBe(true);
    expect(state.windows.c1?.messages.map((m) => [m.text, m.status])).toEqual([
      ['text 1', 'sent'],
      ['written offline', 'pending'],
    ]);
    expect(state.windows.c1?.messages.at(-1)?.localId).toBe('k1');
    expect(state.conversations.c1?.preview?.text).toBe('written offline');
    expect(state.windows.c2?.messages).toEqual([]);
  });

  it('renders a kept file as one that cannot be opened here (no key, no hash)', () => {
    const state = snapshotState(takeSnapshot(undefined, engine([message(1)]), []), [], 'alice');
    const file = state.windows.c1?.messages[0]?.attachments[0];
    expect(file).toEqual({ blobId: 'b1', name: 'notes.txt', type: 'text/plain', size: 12, key: '', hash: '' });
    expect(file && fromSnapshot(file)).toBe(true);
    expect(fromSnapshot({ blobId: 'b1', key: KEY, hash: HASH, name: 'notes.txt', type: 'text/plain', size: 12 })).toBe(false);
  });
});
