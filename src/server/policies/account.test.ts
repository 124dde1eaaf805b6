import { describe, expect, it } from 'vitest';
import type { Actor } from './actor.js';
import { assertMayDeleteAccount, assertMayRecover } from './account.js';
import { otherSessionsOf } from './sessions.js';

const user = {
  id: 'u-alice', username: 'alice', username_key: 'alice', kdf_salt: 's', kdf_memory_kib: 1, kdf_iterations: 1, kdf_parallelism: 1,
  auth_hash: 'h', created_at: 0, suspended_at: null, deleted_at: null,
};
const session = (id: string, userId = user.id) => ({ id, user_id: userId, token_hash: id, created_at: 0, last_seen_at: 0, expires_at: 1, user_agent: null });
const actor: Actor = { user, session: session('s-here') };

describe('sessions policy: sign out everywhere else', () => {
  it('ends the actor\'s other sessions only: never the asking one, never another user\'s', () => {
    const all = [session('s-here'), session('s-phone'), session('s-laptop'), session('s-bob', 'u-bob')];
    expect(otherSessionsOf(actor, all).map((s) => s.id)).toEqual(['s-phone', 's-laptop']);
    expect(otherSessionsOf(actor, [session('s-here')])).toEqual([]);
  });
});

describe('account policy: deletion', () => {
  it('needs the password proven', () => {
    expect(() => assertMayDeleteAccount(actor, false)).toThrow(expect.objectContaining({ code: 'INVALID_CREDENTIALS' }) as Error);
    expect(() => assertMayDeleteAccount(actor, true)).not.toThrow();
  });
  it('refuses an account already deleted, or a session of someone else', () => {
    expect(() => assertMayDeleteAccount({ user: { ...user, deleted_at: 5 }, session: session('s-here') }, true)).toThrow();
    expect(() => assertMayDeleteAccount({ user, session: session('s-x', 'u-bob') }, true)).toThrow();
  });
});

describe('account policy: recovery', () => {
  it('answers every failure alike (no oracle for names or keys); a suspension only after the key is proven', () => {
    const refused = expect.objectContaining({ code: 'INVALID_CREDENTIALS' }) as Error;
    expect(() => assertMayRecover(undefined, false, false)).toThrow(refused);
    expect(() => assertMayRecover({ ...user, deleted_at: 5 }, true, true)).toThrow(refused);
    expect(() => assertMayRecover(user, false, true)).toThrow(refused);
    expect(() => assertMayRecover(user, true, false)).toThrow(refused);
    expect(() => assertMayRecover({ ...user, suspended_at: 5 }, true, false)).toThrow(refused);
    expect(() => assertMayRecover({ ...user, suspended_at: 5 }, true, true)).toThrow(expect.objectContaining({ code: 'ACCOUNT_SUSPENDED' }) as Error);
    expect(() => assertMayRecover(user, true, true)).not.toThrow();
  });
});
