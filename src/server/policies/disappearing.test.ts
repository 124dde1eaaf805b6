import { describe, expect, it } from 'vitest';
import { access, code } from '../../../test/support/policy-fixtures.js';
import { assertCanSetDisappearing, expiryOf, isExpired } from './disappearing.js';

describe('disappearing-message policies', () => {
  it('either member sets a direct conversation’s timer; in a group only admins and the owner', () => {
    expect(code(() => assertCanSetDisappearing(access('direct', 'member')))).toBe('allowed');
    expect(code(() => assertCanSetDisappearing(access('direct', 'owner')))).toBe('allowed');
    expect(code(() => assertCanSetDisappearing(access('group', 'owner')))).toBe('allowed');
    expect(code(() => assertCanSetDisappearing(access('group', 'admin')))).toBe('allowed');
    expect(code(() => assertCanSetDisappearing(access('group', 'member')))).toBe('FORBIDDEN');
  });

  it('a message expires its timer after the server stored it; commits, notices and timer-less conversations never', () => {
    expect(expiryOf('application/mls-private', 300, 1_000)).toBe(301_000);
    expect(expiryOf('text/plain', 3_600, 0)).toBe(3_600_000);
    expect(expiryOf('application/mls-private', null, 1_000)).toBeNull();
    expect(expiryOf('application/mls-private', undefined, 1_000)).toBeNull();
    expect(expiryOf('application/mls-commit', 300, 1_000)).toBeNull();
    expect(expiryOf('application/vnd.parley.disappearing+json', 300, 1_000)).toBeNull();
  });

  it('expired means erased at or after the expiry, not deleted before it', () => {
    expect(isExpired({ deleted_at: 500, expires_at: 500 })).toBe(true);
    expect(isExpired({ deleted_at: 400, expires_at: 500 })).toBe(false);
    expect(isExpired({ deleted_at: null, expires_at: 500 })).toBe(false);
    expect(isExpired({ deleted_at: 900, expires_at: null })).toBe(false);
  });
});
