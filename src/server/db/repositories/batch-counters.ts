import { PostgresAdapter } from 'kysely';
import type { Db } from '../connect.js';
import { prepared } from '../prepared.js';

/**
 * The counters a batch of sends moves, in a few statements instead of one per conversation and one per sender
 * (commands/messages/store-batch.ts). Kept apart from the one-row versions in conversations.ts.
 */

/** Conversations per statement (a CASE arm each): far below both dialects' parameter limits. */
const CHUNK = 100;

const lockQuery = prepared((db: Db, p: { ids: string[] }) =>
  db.selectFrom('conversations').select('id').where('id', 'in', p.ids).orderBy('id').forNoKeyUpdate());

const takeManyQuery = prepared((db: Db, p: { takes: [{ id: string; count: number }, ...{ id: string; count: number }[]]; now: number }) =>
  db.updateTable('conversations')
    .set((eb) => {
      const [first, ...rest] = p.takes;
      // eb.val: Kysely would inline a plain `then` value into the SQL text; these must stay bound parameters, typed
      // (PostgreSQL cannot infer a CASE of parameters alone).
      const n = (v: number) => eb.cast<number>(eb.val(v), 'integer');
      let added = eb.case(eb.ref('id')).when(eb.val(first.id)).then(n(first.count));
      for (const t of rest) added = added.when(eb.val(t.id)).then(n(t.count));
      return { last_seq: eb('last_seq', '+', added.else(n(0)).end()), last_activity_at: p.now };
    })
    .where('id', 'in', p.takes.map((t) => t.id))
    .returning(['id', 'last_seq', 'disappearing_seconds']));

/**
 * On PostgreSQL, locks the conversations' counter rows in id order (FOR NO KEY UPDATE, what the UPDATEs that follow take and hold
 * until commit; inserts that reference a conversation are not held up):
 * concurrent batches (other instances, other batches in flight) then wait for each other instead of deadlocking, and
 * senders are serialised per conversation. Nothing to do on SQLite, which runs one transaction at a time.
 */
export async function lockConversations(db: Db, ids: string[]): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  const sorted = [...ids].sort();
  for (let i = 0; i < sorted.length; i += CHUNK) await lockQuery(db, { ids: sorted.slice(i, i + CHUNK) });
}

/** What takeSeqsMany read of a conversation as it took its numbers. */
export interface TakenSeqs {
  /** The last number taken (the first is last - count + 1). */
  last: number;
  /** The conversation's disappearing timer (seconds; null: off), read under the same row lock as the numbers. */
  timer: number | null;
}

/**
 * Takes `count` consecutive sequence numbers in each conversation, in one statement per chunk; returns each one's
 * last and its disappearing timer (the UPDATE's RETURNING: no separate read of the timers). Call lockConversations
 * first.
 */
export async function takeSeqsMany(db: Db, takes: { id: string; count: number }[], now: number): Promise<Map<string, TakenSeqs>> {
  const last = new Map<string, TakenSeqs>();
  for (let i = 0; i < takes.length; i += CHUNK) {
    const [first, ...rest] = takes.slice(i, i + CHUNK);
    if (!first) break;
    for (const row of (await takeManyQuery(db, { takes: [first, ...rest], now })).rows) {
      last.set(row.id, { last: row.last_seq, timer: row.disappearing_seconds ?? null });
    }
  }
  for (const t of takes) if (!last.has(t.id)) throw new Error(`takeSeqsMany: no conversation ${t.id}`);
  return last;
}

type ReadMove = { conversationId: string; userId: string; seq: number };

const readManyQuery = prepared((db: Db, p: { moves: [ReadMove, ...ReadMove[]] }) =>
  db.updateTable('conversation_members')
    .set((eb) => {
      const arm = (m: ReadMove) => eb.and([eb('conversation_id', '=', m.conversationId), eb('user_id', '=', m.userId), eb('read_seq', '<', m.seq)]);
      const [first, ...rest] = p.moves;
      const n = (v: number) => eb.cast<number>(eb.val(v), 'integer');
      let seq = eb.case().when(arm(first)).then(n(first.seq));
      for (const m of rest) seq = seq.when(arm(m)).then(n(m.seq));
      return { read_seq: seq.else(eb.ref('read_seq')).end() };
    })
    .where((eb) => eb(eb.refTuple('conversation_id', 'user_id'), 'in', p.moves.map((m) => eb.tuple(m.conversationId, m.userId)))));

/**
 * Moves each (conversation, user)'s read position forward to `seq` (never back), for a whole batch in one statement
 * per chunk. Runs after takeSeqsMany in the same transaction: on PostgreSQL every member row it touches belongs to a
 * conversation whose counter row this transaction holds, so two batches never wait for each other's member rows.
 */
export async function setReadSeqsMany(db: Db, moves: ReadMove[]): Promise<void> {
  for (let i = 0; i < moves.length; i += CHUNK) {
    const [first, ...rest] = moves.slice(i, i + CHUNK);
    if (first) await readManyQuery(db, { moves: [first, ...rest] });
  }
}
