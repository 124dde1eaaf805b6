import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, migrateToLatest, type Db } from '../../src/server/db/connect.js';
import { dueMessages } from '../../src/server/db/repositories/disappearing.js';

// The expiry index holds only messages that expire (2026-12-09-expiry-index-partial): the sweep must still use it.
describe('the disappearing-message sweep on SQLite', () => {
  let dir: string;
  let db: Db;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-expiry-'));
    db = connectDatabase({ kind: 'sqlite', file: path.join(dir, 'parley.db') });
    await migrateToLatest(db);
  });
  afterAll(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds due messages through the partial index, and the full index is gone', async () => {
    const compiled = db.selectFrom('messages').select(['id', 'conversation_id', 'seq'])
      .where('expires_at', 'is not', null).where('expires_at', '<=', 1).where('deleted_at', 'is', null)
      .orderBy('expires_at').limit(10).compile();
    const plan = await sql.raw<{ detail: string }>(`EXPLAIN QUERY PLAN ${compiled.sql.replaceAll('?', '1')}`).execute(db);
    expect(plan.rows.map((r) => r.detail).join(' | ')).toContain('messages_expiring');
    const indexes = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages'`.execute(db);
    expect(indexes.rows.map((r) => r.name)).not.toContain('messages_expires_at');
    expect(await dueMessages(db, Date.now(), 10)).toEqual([]);
  });
});
