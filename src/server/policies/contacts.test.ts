import { describe, expect, it } from 'vitest';
import { assertStanding, decideContactRequest } from './contacts.js';

const rel = (r: Partial<{ contact: boolean; iBlocked: boolean; blockedMe: boolean }>) => ({ contact: false, iBlocked: false, blockedMe: false, ...r });

describe('contact policies', () => {
  it('talking needs a contact, and a block either way ends it (the block is named first)', () => {
    expect(() => assertStanding({ contact: true, blocked: false }, 'bob')).not.toThrow();
    expect(() => assertStanding({ contact: false, blocked: false }, 'bob')).toThrow(expect.objectContaining({ code: 'NOT_A_CONTACT' }));
    expect(() => assertStanding({ contact: false, blocked: true }, 'bob')).toThrow(expect.objectContaining({ code: 'BLOCKED' }));
  });

  it('a contact request: refused if you blocked them, silent if they blocked you, nothing new between contacts', () => {
    expect(() => decideContactRequest(rel({ iBlocked: true, blockedMe: true }), 'bob')).toThrow(expect.objectContaining({ code: 'BLOCKED' }));
    expect(decideContactRequest(rel({ blockedMe: true }), 'bob')).toBe('silent');
    expect(decideContactRequest(rel({ contact: true }), 'bob')).toBe('contact');
    expect(decideContactRequest(rel({}), 'bob')).toBe('send');
  });
});
