/** Rows for the policy unit tests (src/server/policies/*.test.ts): the rules are pure, the tests hand them data. */
import type { ConversationRow, MemberRow } from '../../src/server/db/repositories/conversations.js';
import type { Actor } from '../../src/server/policies/actor.js';
import type { Access } from '../../src/server/policies/conversations.js';

export const conversation = (kind: ConversationRow['kind'], lastSeq = 10): ConversationRow => ({
  id: 'c1', kind, name: kind === 'group' ? 'g' : null, direct_key: null, last_seq: lastSeq, created_at: 0, last_activity_at: 0,
});

export const member = (userId: string, role: MemberRow['role'], joinedSeq = 0): MemberRow => ({
  conversation_id: 'c1', user_id: userId, role, joined_seq: joinedSeq, read_seq: joinedSeq, joined_at: 0,
});

/** alice's access to conversation c1, with her role there. */
export const access = (kind: ConversationRow['kind'], role: MemberRow['role'], joinedSeq = 0): Access => ({
  conversation: conversation(kind), member: member('alice', role, joinedSeq),
});

export const actor = (id: string) => ({ user: { id }, session: {} }) as unknown as Actor;

/** The error code a rule throws, or 'allowed'. */
export const code = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return 'allowed';
};
