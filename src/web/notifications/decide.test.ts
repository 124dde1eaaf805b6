import { describe, expect, it } from 'vitest';
import type { ConversationDto } from '../../sdk/index.js';
import { isMuted, mentions, notificationBody, shouldNotify } from './decide.js';

const NOW = Date.parse('2026-12-06T20:00:00.000Z');
const conversation = (notify?: ConversationDto['notify']): ConversationDto => ({
  id: '11111111-1111-4111-8111-111111111111',
  kind: 'group',
  name: 'Plans',
  members: [],
  myRole: 'member',
  lastSeq: 1,
  joinedSeq: 0,
  readSeq: 0,
  unread: 1,
  lastActivityAt: '2026-12-06T20:00:00.000Z',
  ...(notify ? { notify } : {}),
});
const base = { me: 'bob', sender: 'alice', text: 'hi', hidden: true, openId: undefined, now: NOW };

describe('desktop notification decisions', () => {
  it('notifies when hidden or another conversation is open, never for own messages', () => {
    const c = conversation();
    expect(shouldNotify({ ...base, conversation: c })).toBe(true);
    expect(shouldNotify({ ...base, conversation: c, hidden: false, openId: 'other' })).toBe(true);
    expect(shouldNotify({ ...base, conversation: c, hidden: false, openId: c.id })).toBe(false);
    expect(shouldNotify({ ...base, conversation: c, sender: 'bob' })).toBe(false);
  });
  it('respects mute (until it runs out) and mentions only', () => {
    expect(shouldNotify({ ...base, conversation: conversation({ mutedUntil: 'forever', mentionsOnly: false }) })).toBe(false);
    expect(shouldNotify({ ...base, conversation: conversation({ mutedUntil: '2026-12-06T21:00:00.000Z', mentionsOnly: false }) })).toBe(false);
    expect(isMuted({ mutedUntil: '2026-12-06T19:00:00.000Z', mentionsOnly: false }, NOW)).toBe(false);
    const onlyMentions = conversation({ mutedUntil: null, mentionsOnly: true });
    expect(shouldNotify({ ...base, conversation: onlyMentions })).toBe(false);
    expect(shouldNotify({ ...base, conversation: onlyMentions, text: 'hey @Bob look' })).toBe(true);
  });
  it('finds mentions by whole name only', () => {
    expect(mentions('@bob', 'bob')).toBe(true);
    expect(mentions('cc @bob.', 'bob')).toBe(true);
    expect(mentions('@bobby', 'bob')).toBe(false);
    expect(mentions('me@bob', 'bob')).toBe(false);
  });
  it('hides the text when asked', () => {
    expect(notificationBody('secret', true, 'alice', true)).toBe('New message');
    expect(notificationBody('secret', false, 'alice', true)).toBe('alice: secret');
    expect(notificationBody('secret', false, 'alice', false)).toBe('secret');
  });
});
