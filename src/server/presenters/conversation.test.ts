import { describe, expect, it } from 'vitest';
import { MUTED_FOREVER, presentNotify } from './conversation.js';

const member = { conversation_id: 'c', user_id: 'u', role: 'member' as const, joined_seq: 0, read_seq: 0, joined_at: 0 };
const NOW = Date.parse('2026-12-06T20:00:00.000Z');

describe('presentNotify', () => {
  it('reads a mute that has run out as none, a live one as its end, the sentinel as "forever"', () => {
    expect(presentNotify({ ...member }, NOW)).toEqual({ mutedUntil: null, mentionsOnly: false });
    expect(presentNotify({ ...member, muted_until: NOW }, NOW).mutedUntil).toBeNull();
    expect(presentNotify({ ...member, muted_until: NOW + 3_600_000 }, NOW).mutedUntil).toBe('2026-12-06T21:00:00.000Z');
    expect(presentNotify({ ...member, muted_until: MUTED_FOREVER, mentions_only: 1 }, NOW)).toEqual({ mutedUntil: 'forever', mentionsOnly: true });
  });
});
