import fs from 'node:fs';
import type SQLite from 'better-sqlite3';
import {
  SelectQueryNode,
  SqliteDialect,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type SqliteDialectConfig,
  type TransactionSettings,
} from 'kysely';

/**
 * Durable commits without blocking the event loop. With SQLite's `synchronous = FULL` every commit fsyncs the WAL on
 * the calling thread: under load the server's only thread sat a sixth of its time waiting for the disk. Here the
 * connection runs `synchronous = NORMAL` (a commit writes its WAL frames, without fsync), and a query or transaction
 * that wrote (a COMMIT, or a lone INSERT/UPDATE/DELETE) hands the connection back and then waits for an fdatasync of
 * the WAL file in libuv's thread pool before its promise resolves. So `await db.transaction().execute(…)` still
 * resolves only once the transaction is on disk, exactly as with FULL, and an acknowledgement still means durably
 * stored — but while the disk works, the event loop goes on serving sockets and the connection runs the next
 * transaction. Syncs are shared: writes that commit while one fdatasync runs wait for the next one, which covers them
 * all (fsync applies to the file, whichever descriptor asks). A checkpoint keeps its own syncs (SQLite syncs the WAL
 * before copying it back, in NORMAL too).
 */
export class WalSync {
  private fd: number | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  /** fdatasync calls made (for tests). */
  syncs = 0;
  /** Writes committed, and how many of them the last completed fdatasync covers. */
  private committed = 0;
  private durable = 0;
  /** The writes the running fdatasync covers (those committed before it started). */
  private runningCovers = 0;
  /**
   * Set once an fdatasync failed: what was committed may be visible yet not on disk, and after a failed fsync Linux
   * may have dropped the dirty pages, so no later sync proves anything. Every later query fails (as PostgreSQL stops
   * on a failed fsync); the process must be restarted.
   */
  failure: Error | undefined;

  constructor(private readonly walFile: string) {}

  /** A write was committed: it counts as durable only once a sync that started after it completes. */
  committedWrite(): void {
    this.committed++;
  }

  /** Resolves at once if every committed write is on disk, else once the sync that covers them completes. */
  whenDurable(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return this.durable >= this.committed ? Promise.resolve() : this.sync();
  }

  /** Resolves once every write committed (`committedWrite`) before this call is on disk. */
  sync(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.running) return (this.running = this.run());
    if (this.runningCovers >= this.committed && !this.queued) return this.running;
    // The running sync may have started before this caller's write: wait for the one after it.
    this.queued ??= this.running.then(
      () => this.next(),
      () => this.next(),
    );
    return this.queued;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.running, this.queued]);
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private next(): Promise<void> {
    this.queued = undefined;
    return (this.running = this.run());
  }

  private async run(): Promise<void> {
    const covers = this.committed;
    this.runningCovers = covers;
    try {
      // r+: flushing needs a writable descriptor on some platforms.
      this.fd ??= fs.openSync(this.walFile, 'r+');
      const fd = this.fd;
      this.syncs++;
      await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
      this.durable = Math.max(this.durable, covers);
    } catch (err) {
      this.failure ??= new Error('The database could not be made durable (WAL fsync failed); restart the server.', { cause: err });
      throw this.failure;
    } finally {
      if (!this.queued) this.running = undefined;
    }
  }
}

/** Kysely's SQLite dialect where whatever wrote waits for `wal.sync()` once it released the connection (see WalSync). */
export class DurableSqliteDialect extends SqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    private readonly sqlite: SQLite.Database,
    private readonly wal: WalSync,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new DurableDriver(super.createDriver(), this.sqlite, this.wal);
  }
}

class DurableDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly sqlite: SQLite.Database,
    private readonly wal: WalSync,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new DurableConnection(await this.inner.acquireConnection(), this.sqlite, this.wal);
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const durable = connection as DurableConnection;
    const wrote = durable.unsynced;
    durable.unsynced = false;
    if (wrote) this.wal.committedWrite();
    await this.inner.releaseConnection(durable.inner);
    // Kysely awaits the release before the query or transaction resolves: it resolves once on disk, and the
    // connection is free for the next one meanwhile.
    if (wrote) await this.wal.sync();
  }

  async destroy(): Promise<void> {
    await this.inner.destroy();
    await this.wal.close();
  }
}

class DurableConnection implements DatabaseConnection {
  /** A write ended outside a transaction since this connection was acquired: its release must wait for a sync. */
  unsynced = false;

  constructor(
    readonly inner: DatabaseConnection,
    private readonly sqlite: SQLite.Database,
    private readonly wal: WalSync,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.wal.failure) throw this.wal.failure;
    // Nothing reads a commit before it is on disk (as with synchronous = FULL, where the fsync is part of COMMIT): a
    // history read must not show a message a power loss could take back. A lone read waits for the sync of what is
    // committed (the connection is ours meanwhile: nothing commits in between); a transaction's reads need not, since
    // its COMMIT waits for a sync that covers everything before it.
    if (!this.sqlite.inTransaction && SelectQueryNode.is(query.query)) await this.wal.whenDurable();
    const result = await this.inner.executeQuery<R>(query);
    // The driver runs BEGIN/COMMIT/ROLLBACK through here too: a COMMIT leaves the transaction, a SELECT writes nothing.
    if (!this.sqlite.inTransaction && !SelectQueryNode.is(query.query)) this.unsynced = true;
    return result;
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}
