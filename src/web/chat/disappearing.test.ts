import { describe, expect, it } from 'vitest';
import { noticeText, TIMER_CHOICES, timerName } from './disappearing.js';

describe('disappearing-message words', () => {
  it('names each timer and says who changed it', () => {
    expect(TIMER_CHOICES.map(timerName)).toEqual(['Off', '5 minutes', '1 hour', '1 day', '1 week']);
    expect(noticeText('alice', 300, 'bob')).toBe('alice set disappearing messages to 5 minutes.');
    expect(noticeText('bob', null, 'bob')).toBe('You turned off disappearing messages.');
  });
});
