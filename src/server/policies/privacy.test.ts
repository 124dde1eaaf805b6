import { describe, expect, it } from 'vitest';
import { readAudience, typingAudience, type PrivacySwitches } from './privacy.js';

const on: PrivacySwitches = { readReceipts: true, typingIndicators: true };
const off: PrivacySwitches = { readReceipts: false, typingIndicators: false };
const m = (id: string, switches: PrivacySwitches) => ({ id, switches });

describe('privacy policies', () => {
  it('a reader without receipts tells only their own devices; one with them, everyone who shares theirs', () => {
    expect(readAudience(m('bob', off), [m('alice', on), m('bob', off)])).toEqual({ everyone: false, withheldFrom: [] });
    expect(readAudience(m('alice', on), [m('alice', on), m('bob', off), m('carol', on)])).toEqual({ everyone: true, withheldFrom: ['bob'] });
  });

  it('typing goes from those who share it to those who share theirs', () => {
    expect(typingAudience(m('bob', off), [m('alice', on)])).toEqual({ relay: false, withheldFrom: [] });
    expect(typingAudience(m('alice', on), [m('alice', on), m('bob', off), m('carol', on)])).toEqual({ relay: true, withheldFrom: ['bob'] });
  });
});
