import { describe, expect, it } from 'vitest';
import { access, actor as actorOf, code, member } from '../../../test/support/policy-fixtures.js';
import type { MemberRow } from '../db/repositories/conversations.js';
import type { UserRow } from '../db/repositories/users.js';
import { assertCanAddDevice, assertCanJoinExternally, assertCanRemoveDevice, assertOwnActiveDevice, directoryEntry, type DeviceTarget } from './e2e.js';

const actor = actorOf('alice');
const user = (id: string) => ({ id, username: id }) as unknown as UserRow;
const target = (userId: string | undefined, m: MemberRow | undefined, active = true): DeviceTarget => ({ username: userId ?? 'nobody', userId, member: m, active });

describe('end-to-end policies', () => {
  it('a directory entry is for the user, their contacts and those they share a conversation with; else no such user', () => {
    expect(directoryEntry(actor, 'alice', user('alice'), false).id).toBe('alice');
    expect(directoryEntry(actor, 'bob', user('bob'), true).id).toBe('bob');
    expect(code(() => directoryEntry(actor, 'bob', user('bob'), false))).toBe('NOT_FOUND');
    expect(code(() => directoryEntry(actor, 'zed', undefined, false))).toBe('NOT_FOUND');
  });

  it('devices join a group only for current members, registered and not revoked', () => {
    expect(code(() => assertCanAddDevice(access('group', 'member'), actor, target('bob', member('bob', 'member'))))).toBe('allowed');
    expect(code(() => assertCanAddDevice(access('group', 'member'), actor, target('bob', undefined)))).toBe('FORBIDDEN');
    expect(code(() => assertCanAddDevice(access('group', 'member'), actor, target('bob', member('bob', 'member'), false)))).toBe('FORBIDDEN');
  });

  it('removing devices: your own, non-members\' and revoked ones always; others by the role rules, never in a direct conversation', () => {
    expect(code(() => assertCanRemoveDevice(access('direct', 'member'), actor, target('alice', member('alice', 'member'))))).toBe('allowed');
    expect(code(() => assertCanRemoveDevice(access('group', 'member'), actor, target('bob', undefined)))).toBe('allowed');
    expect(code(() => assertCanRemoveDevice(access('group', 'member'), actor, target('bob', member('bob', 'member'), false)))).toBe('allowed');
    expect(code(() => assertCanRemoveDevice(access('direct', 'member'), actor, target('bob', member('bob', 'member'))))).toBe('FORBIDDEN');
    expect(code(() => assertCanRemoveDevice(access('group', 'member'), actor, target('bob', member('bob', 'member'))))).toBe('FORBIDDEN');
    expect(code(() => assertCanRemoveDevice(access('group', 'admin'), actor, target('bob', member('bob', 'member'))))).toBe('allowed');
  });

  it('external joins and commits come only from the session user\'s own active devices', () => {
    expect(code(() => assertCanJoinExternally(actor, target('alice', member('alice', 'member'))))).toBe('allowed');
    expect(code(() => assertCanJoinExternally(actor, target('bob', member('bob', 'member'))))).toBe('FORBIDDEN');
    expect(code(() => assertOwnActiveDevice(actor, target('alice', undefined, false)))).toBe('FORBIDDEN');
    expect(code(() => assertOwnActiveDevice(actor, target('alice', undefined)))).toBe('allowed');
  });
});
