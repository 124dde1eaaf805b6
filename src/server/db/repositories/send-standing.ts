import type { Db } from '../connect.js';
import type { ConversationRow } from './conversations.js';
import { prepared } from '../prepared.js';

/**
 * What the send rule needs about one sender in one conversation (policies/conversations.ts `assertCanSend`): the
 * conversation's kind and, in a direct conversation, the other member, whether the sender has them as a contact and
 * whether either blocked the other. No row: the sender is not a member.
 */
export interface SendStanding {
  conversationId: string;
  userId: string;
  kind: ConversationRow['kind'];
  peer: { userId: string; username: string; contact: boolean; blocked: boolean } | undefined;
}

export interface SenderInConversation {
  conversationId: string;
  userId: string;
}

/** Pairs per statement: far below both dialects' parameter limits. */
const CHUNK = 200;

const standingsQuery = prepared((db: Db, p: { pairs: SenderInConversation[] }) =>
  db.selectFrom('conversation_members as me')
    .innerJoin('conversations as c', 'c.id', 'me.conversation_id')
    .leftJoin('conversation_members as peer', (join) =>
      join.onRef('peer.conversation_id', '=', 'me.conversation_id').onRef('peer.user_id', '!=', 'me.user_id').on('c.kind', '=', 'direct'))
    .leftJoin('users as u', 'u.id', 'peer.user_id')
    .select(['me.conversation_id', 'me.user_id', 'c.kind', 'peer.user_id as peer_id', 'u.username as peer_name'])
    .select((eb) => [
      eb.exists(eb.selectFrom('contacts').select('contacts.user_id')
        .whereRef('contacts.user_id', '=', 'me.user_id').whereRef('contacts.contact_id', '=', 'peer.user_id')).as('contact'),
      eb.exists(eb.selectFrom('blocks').select('blocks.blocker_id').where((b) => b.or([
        b.and([b('blocks.blocker_id', '=', b.ref('me.user_id')), b('blocks.blocked_id', '=', b.ref('peer.user_id'))]),
        b.and([b('blocks.blocker_id', '=', b.ref('peer.user_id')), b('blocks.blocked_id', '=', b.ref('me.user_id'))]),
      ]))).as('blocked'),
    ])
    .where((eb) => eb(eb.refTuple('me.conversation_id', 'me.user_id'), 'in', p.pairs.map((x) => eb.tuple(x.conversationId, x.userId)))));

/** The standing of each sender that is a member of the conversation, for a whole batch of sends in one query. */
export async function findSendStandings(db: Db, pairs: SenderInConversation[]): Promise<SendStanding[]> {
  const found: SendStanding[] = [];
  for (let i = 0; i < pairs.length; i += CHUNK) {
    for (const row of (await standingsQuery(db, { pairs: pairs.slice(i, i + CHUNK) })).rows) {
      found.push({
        conversationId: row.conversation_id,
        userId: row.user_id,
        kind: row.kind,
        // EXISTS is 0/1 on SQLite and a boolean on PostgreSQL.
        peer: row.peer_id === null || row.peer_name === null
          ? undefined
          : { userId: row.peer_id, username: row.peer_name, contact: Boolean(row.contact), blocked: Boolean(row.blocked) },
      });
    }
  }
  return found;
}
