import { describe, expect, it } from 'vitest';
import { access, actor, code, conversation, member } from '../../../test/support/policy-fixtures.js';
import {
  assertCanAddMembers,
  assertCanChangeMessage,
  assertCanLeave,
  assertCanRemoveMember,
  assertCanRename,
  assertCanSeeSeq,
  assertCanSend,
  assertCanSetRole,
  memberIn,
  membershipAccess,
} from './conversations.js';

// The conversation rules are pure: each test hands them the rows a command would have loaded.

describe('conversation policies', () => {
  it('a membership row gives access; no row answers NOT_FOUND, as for a random id', () => {
    const row = { ...conversation('group'), ...member('alice', 'member') };
    expect(membershipAccess(row)).toEqual({ conversation: conversation('group'), member: member('alice', 'member') });
    expect(code(() => membershipAccess(undefined))).toBe('NOT_FOUND');
    expect(memberIn([member('alice', 'owner')], 'alice').role).toBe('owner');
    expect(code(() => memberIn([member('alice', 'owner')], 'bob'))).toBe('NOT_FOUND');
  });

  it('roles: admins add and rename, the owner sets roles and alone removes an admin, nobody removes the owner', () => {
    expect(code(() => assertCanAddMembers(access('group', 'admin')))).toBe('allowed');
    expect(code(() => assertCanAddMembers(access('group', 'member')))).toBe('FORBIDDEN');
    expect(code(() => assertCanRename(access('group', 'owner')))).toBe('allowed');
    expect(code(() => assertCanRename(access('group', 'member')))).toBe('FORBIDDEN');
    expect(code(() => assertCanSetRole(access('group', 'admin')))).toBe('FORBIDDEN');
    expect(code(() => assertCanSetRole(access('group', 'owner')))).toBe('allowed');
    expect(code(() => assertCanRemoveMember(access('group', 'admin'), member('bob', 'member')))).toBe('allowed');
    expect(code(() => assertCanRemoveMember(access('group', 'admin'), member('bob', 'admin')))).toBe('FORBIDDEN');
    expect(code(() => assertCanRemoveMember(access('group', 'owner'), member('bob', 'admin')))).toBe('allowed');
    expect(code(() => assertCanRemoveMember(access('group', 'owner'), member('bob', 'owner')))).toBe('FORBIDDEN');
    for (const rule of [assertCanAddMembers, assertCanRename, assertCanSetRole]) expect(code(() => rule(access('direct', 'owner')))).toBe('FORBIDDEN');
  });

  it('a group can be left by any member; a direct conversation cannot', () => {
    expect(code(() => assertCanLeave(access('group', 'member')))).toBe('allowed');
    expect(code(() => assertCanLeave(access('group', 'owner')))).toBe('allowed');
    expect(() => assertCanLeave(access('direct', 'member'))).toThrow('You cannot leave a direct conversation.');
  });

  it('only the sender changes a message, never a deleted one or a commit, and an encrypted one only by deleting it', () => {
    const msg = (sender: string, contentType = 'text/plain', deleted: number | null = null) => ({ sender_id: sender, deleted_at: deleted, content_type: contentType });
    expect(code(() => assertCanChangeMessage(actor('alice'), msg('alice'), 'edit'))).toBe('allowed');
    expect(code(() => assertCanChangeMessage(actor('bob'), msg('alice'), 'delete'))).toBe('FORBIDDEN');
    expect(code(() => assertCanChangeMessage(actor('alice'), msg('alice', 'text/plain', 5), 'delete'))).toBe('CONFLICT');
    expect(code(() => assertCanChangeMessage(actor('alice'), msg('alice', 'application/mls-commit'), 'delete'))).toBe('FORBIDDEN');
    expect(code(() => assertCanChangeMessage(actor('alice'), msg('alice', 'application/mls-private'), 'edit'))).toBe('FORBIDDEN');
    expect(code(() => assertCanChangeMessage(actor('alice'), msg('alice', 'application/mls-private'), 'delete'))).toBe('allowed');
  });

  it('a member sees the messages after they joined, up to the newest', () => {
    expect(code(() => assertCanSeeSeq(access('group', 'member', 4), 4))).toBe('VALIDATION_FAILED');
    expect(code(() => assertCanSeeSeq(access('group', 'member', 4), 5))).toBe('allowed');
    expect(code(() => assertCanSeeSeq(access('group', 'member', 4), 11))).toBe('VALIDATION_FAILED');
  });

  it('the send rule: members only; a direct conversation only between contacts without a block', () => {
    const standing = (kind: 'direct' | 'group', peer?: { contact: boolean; blocked: boolean }) => ({
      conversationId: 'c1', userId: 'alice', kind, peer: peer && { userId: 'bob', username: 'bob', ...peer },
    });
    expect(code(() => assertCanSend(undefined))).toBe('NOT_FOUND');
    expect(code(() => assertCanSend(standing('group')))).toBe('allowed');
    expect(code(() => assertCanSend(standing('direct', { contact: true, blocked: false })))).toBe('allowed');
    expect(code(() => assertCanSend(standing('direct', { contact: false, blocked: false })))).toBe('NOT_A_CONTACT');
    expect(code(() => assertCanSend(standing('direct', { contact: true, blocked: true })))).toBe('BLOCKED');
  });
});
