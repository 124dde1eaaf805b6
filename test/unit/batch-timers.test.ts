/**
 * A batch of sends takes its conversations' disappearing timers from the sequence numbers' UPDATE (its RETURNING)
 * instead of a read of its own; a conversation with an MLS commit in the batch still reads its timer. Both dialects
 * (PostgreSQL with PARLEY_TEST_DATABASE_URL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBatch } from '../../src/server/commands/messages/store-batch.js';
import type { PendingSend } from '../../src/server/commands/messages/send-types.js';
import { connectDatabase, migrateToLatest, type Db } from '../../src/server/db/connect.js';
import { takeSeqsMany } from '../../src/server/db/repositories/batch-counters.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { dialect } from '../support/env.js';

const NOW = 1_800_000_000_000;

describe(`a batch's disappearing timers (${dialect})`, () => {
  let store: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    store = await createTestDatabase();
    db = connectDatabase(store.postgresUrl ? { kind: 'postgres', url: store.postgresUrl } : { kind: 'sqlite', file: store.sqliteFile ?? '' });
    await migrateToLatest(db);
    for (const name of ['alice', 'bob', 'carol']) {
      await db.insertInto('users').values({ id: name, username: name, username_key: name, kdf_salt: 's', kdf_memory_kib: 1,
        kdf_iterations: 1, kdf_parallelism: 1, auth_hash: 'x', created_at: 0 }).execute();
    }
    for (const [id, timer] of [['timed', 300], ['plain', null], ['other', 60]] as const) {
      await db.insertInto('conversations').values({ id, kind: 'group', name: id, direct_key: null, last_seq: 0, created_at: 0,
        last_activity_at: 0, disappearing_seconds: timer }).execute();
      for (const user of ['alice', 'bob', 'carol']) {
        await db.insertInto('conversation_members').values({ conversation_id: id, user_id: user, role: 'member', joined_seq: 0,
          read_seq: 0, joined_at: 0 }).execute();
      }
    }
  });
  afterAll(async () => {
    await db.destroy();
    await store.drop();
  });

  it('takeSeqsMany returns each conversation’s last number and its timer', async () => {
    const taken = await db.transaction().execute((trx) => takeSeqsMany(trx, [{ id: 'timed', count: 2 }, { id: 'plain', count: 3 }], NOW));
    expect(taken.get('timed')).toEqual({ last: 2, timer: 300 });
    expect(taken.get('plain')).toEqual({ last: 3, timer: null });
    await expect(db.transaction().execute((trx) => takeSeqsMany(trx, [{ id: 'nowhere', count: 1 }], NOW))).rejects.toThrow(/no conversation/);
  });

  it('each stored message expires by its own conversation’s timer, and a later timer change applies to later batches', async () => {
    const send = (conversation: string, sender: string, key: string): PendingSend => ({
      row: { id: `m-${key}`, conversation_id: conversation, seq: 0, sender_id: sender, client_key: key, content_type: 'text/plain',
        body: new TextEncoder().encode(key), created_at: NOW, edited_at: null, deleted_at: null },
      senderName: sender,
      mls: undefined,
      blobIds: [],
    });
    const outcomes = await db.transaction().execute((trx) =>
      storeBatch(trx, [send('timed', 'alice', 'k1'), send('plain', 'bob', 'k2'), send('other', 'carol', 'k3'), send('timed', 'bob', 'k4')], NOW));
    expect(outcomes.every((o) => 'message' in o)).toBe(true);
    const rows = await db.selectFrom('messages').select(['client_key', 'conversation_id', 'seq', 'expires_at']).orderBy('client_key').execute();
    expect(rows.map((r) => ({ ...r, expires_at: r.expires_at === null || r.expires_at === undefined ? null : Number(r.expires_at) }))).toEqual([
      { client_key: 'k1', conversation_id: 'timed', seq: 3, expires_at: NOW + 300_000 },
      { client_key: 'k2', conversation_id: 'plain', seq: 4, expires_at: null },
      { client_key: 'k3', conversation_id: 'other', seq: 1, expires_at: NOW + 60_000 },
      { client_key: 'k4', conversation_id: 'timed', seq: 4, expires_at: NOW + 300_000 },
    ]);

    await db.updateTable('conversations').set({ disappearing_seconds: null }).where('id', '=', 'timed').execute();
    await db.transaction().execute((trx) => storeBatch(trx, [send('timed', 'carol', 'k5')], NOW));
    const later = await db.selectFrom('messages').select(['seq', 'expires_at']).where('client_key', '=', 'k5').executeTakeFirstOrThrow();
    expect(later).toEqual({ seq: 5, expires_at: null });
  });
});
