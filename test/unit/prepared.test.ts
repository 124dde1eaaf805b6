import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepared } from '../../src/server/db/prepared.js';

interface Tables {
  notes: { id: number; owner: string; body: Uint8Array; deleted_at: number | null };
}
type NotesDb = Kysely<Tables>;

// The query cache behind the send path (src/server/db/prepared.ts): a query built once per shape must give exactly
// what building it anew gives, whatever the values; a builder that looks at its values must be caught.
describe('prepared queries', () => {
  let db: NotesDb;
  beforeAll(async () => {
    db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    await db.schema.createTable('notes').addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull()).addColumn('body', 'blob', (c) => c.notNull())
      .addColumn('deleted_at', 'integer').execute();
  });
  afterAll(() => db.destroy());

  // prepared() is typed for the server's schema; these tests use their own table through the same code.
  const asServerDb = (d: NotesDb) => d as never;
  const insert = prepared((d, p: { rows: Tables['notes'][] }) => (d as unknown as NotesDb).insertInto('notes').values(p.rows));
  const byOwners = prepared((d, p: { owners: string[]; minId: number }) =>
    (d as unknown as NotesDb).selectFrom('notes').selectAll().where('owner', 'in', p.owners).where('id', '>=', p.minId).orderBy('id'));

  const row = (id: number, owner: string, deleted: number | null = null) => ({ id, owner, body: new TextEncoder().encode(`${owner}-${id}`), deleted_at: deleted });

  it('fills each call with its own values, for lists of any length, binary values and nulls', async () => {
    await insert(asServerDb(db), { rows: [row(1, 'alice'), row(2, 'bob')] });
    await insert(asServerDb(db), { rows: [row(3, 'carol', 5), row(4, 'alice'), row(5, 'bob', 7)] });
    await insert(asServerDb(db), { rows: [row(6, 'carol')] });
    const all = await db.selectFrom('notes').selectAll().orderBy('id').execute();
    expect(all.map((r) => [r.id, r.owner, new TextDecoder().decode(r.body), r.deleted_at])).toEqual([
      [1, 'alice', 'alice-1', null], [2, 'bob', 'bob-2', null], [3, 'carol', 'carol-3', 5],
      [4, 'alice', 'alice-4', null], [5, 'bob', 'bob-5', 7], [6, 'carol', 'carol-6', null],
    ]);
    // Beyond the first calls of a shape (checked against a fresh build), only the cached SQL runs.
    const calls = [[['alice'], 0], [['bob', 'carol'], 3], [['alice'], 2], [['carol', 'alice', 'bob'], 5], [['bob'], 0], [['carol'], 4], [['alice'], 4], [['bob', 'alice'], 1], [['carol', 'bob'], 6]] as const;
    for (const [owners, minId] of calls) {
      const viaCache = (await byOwners(asServerDb(db), { owners: [...owners], minId })).rows;
      const fresh = await db.selectFrom('notes').selectAll().where('owner', 'in', [...owners]).where('id', '>=', minId).orderBy('id').execute();
      expect(viaCache).toEqual(fresh);
    }
  });

  it('catches a builder whose SQL depends on a value, not only on the shape', async () => {
    const sneaky = prepared((d, p: { owner: string }) => {
      const q = (d as unknown as NotesDb).selectFrom('notes').selectAll();
      return typeof p.owner === 'string' ? q.where('owner', '=', p.owner) : q;
    });
    await expect(sneaky(asServerDb(db), { owner: 'alice' })).rejects.toThrow(/depends on its values/);
  });
});
