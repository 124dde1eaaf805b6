import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, migrateToLatest, walSyncOf, type Db } from '../../src/server/db/connect.js';
import { WalSync } from '../../src/server/db/sqlite-durable.js';

// Durable commits off the event loop (src/server/db/sqlite-durable.ts): SQLite runs synchronous=NORMAL and every
// write that ends outside a transaction waits for an fdatasync of the WAL before it resolves.
describe('SQLite commits wait for the WAL to be on disk', () => {
  let dir: string;
  let db: Db;
  let wal: WalSync;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-durable-'));
    db = connectDatabase({ kind: 'sqlite', file: path.join(dir, 'parley.db') });
    await migrateToLatest(db);
    const found = walSyncOf(db);
    if (!found) throw new Error('the SQLite database exposes no WalSync');
    wal = found;
  });
  afterAll(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const user = (n: number) => ({
    id: `u${n}`, username: `alice${n}`, username_key: `alice${n}`, kdf_salt: 'salt', kdf_memory_kib: 256, kdf_iterations: 1,
    kdf_parallelism: 1, auth_hash: 'x', created_at: n,
  });

  it('syncs after a commit and after a lone write, never after a read or inside a transaction; the event loop runs meanwhile', async () => {
    let syncs = wal.syncs;
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('users').values(user(1)).execute();
      await trx.insertInto('users').values(user(2)).execute();
      expect(wal.syncs).toBe(syncs); // nothing synced before the commit
    });
    expect(wal.syncs).toBe(syncs + 1);
    syncs = wal.syncs;
    // With the fsync on the calling thread (synchronous = FULL) the write would resolve before any callback ran.
    let loopRan = false;
    setImmediate(() => (loopRan = true));
    await db.insertInto('users').values(user(3)).execute();
    expect(wal.syncs).toBe(syncs + 1);
    expect(loopRan).toBe(true);
    syncs = wal.syncs;
    expect(await db.selectFrom('users').select('id').orderBy('id').execute()).toEqual([{ id: 'u1' }, { id: 'u2' }, { id: 'u3' }]);
    expect(wal.syncs).toBe(syncs);
  });

  it('shares one fdatasync among writes that commit while another runs, and none resolves before a sync after it', async () => {
    const syncs = wal.syncs;
    const order: string[] = [];
    const real = wal.sync.bind(wal);
    wal.sync = () => {
      order.push('sync requested');
      return real().then(() => void order.push('sync done'));
    };
    try {
      await Promise.all(Array.from({ length: 20 }, (_, i) => db.insertInto('users').values(user(10 + i)).execute().then(() => void order.push('write resolved'))));
    } finally {
      wal.sync = real;
    }
    // Every write resolved after a sync finished, and 20 writes took fewer than 20 fdatasyncs.
    expect(order.indexOf('write resolved')).toBeGreaterThan(order.indexOf('sync done'));
    expect(wal.syncs - syncs).toBeGreaterThan(0);
    expect(wal.syncs - syncs).toBeLessThan(20);
  });

  it('stops the database after a failed fsync: nothing after it resolves as durable', async () => {
    const broken = new WalSync(path.join(dir, 'no-such-dir', 'parley.db-wal'));
    broken.committedWrite();
    await expect(broken.sync()).rejects.toThrow(/could not be made durable/);
    broken.committedWrite();
    await expect(broken.whenDurable()).rejects.toThrow(/could not be made durable/);
    await expect(broken.sync()).rejects.toThrow(/could not be made durable/);
  });

  it('lets no read see a commit before the commit is on disk', async () => {
    let openGate = () => undefined as void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const real = wal.sync.bind(wal);
    wal.sync = () => gate.then(real);
    try {
      const write = db.insertInto('users').values(user(40)).execute();
      let seen = false;
      const reading = db.selectFrom('users').select('id').where('id', '=', 'u40').execute().then((rows) => {
        seen = true;
        return rows;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toBe(false); // the row is committed, but its fsync has not finished
      openGate();
      await write;
      expect(await reading).toEqual([{ id: 'u40' }]);
    } finally {
      wal.sync = real;
    }
  });
});
