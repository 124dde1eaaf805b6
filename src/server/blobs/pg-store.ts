import { Readable } from 'node:stream';
import type { Db } from '../db/connect.js';
import { blobChunksFrom, deleteBlobChunks, insertBlobChunk, storedBlobBytes } from '../db/repositories/blobs.js';
import { AppError } from '../errors.js';
import { offsetMismatch, tooManyBytes, type BlobStore } from './store.js';

/** Bytes per stored chunk: one row, one INSERT. */
export const PG_CHUNK_BYTES = 1024 * 1024;
/** Chunks fetched per query while streaming a download. */
const READ_AHEAD = 4;

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

/**
 * Blobs in a PostgreSQL table of 1 MiB chunks keyed by (blob, offset), shared by every instance. Chosen over large
 * objects: plain rows under Kysely (one query path), deleted with the blob by a plain DELETE (large objects need
 * lo_unlink and leak when it is missed), and no transaction held open while a client trickles bytes.
 */
export class PostgresBlobStore implements BlobStore {
  constructor(private readonly db: Db) {}

  size(id: string): Promise<number> {
    return storedBlobBytes(this.db, id);
  }

  async append(id: string, offset: number, source: Readable, max: number): Promise<number> {
    const stored = await this.size(id);
    if (stored !== offset) throw offsetMismatch(offset, stored);
    let at = offset;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      const data = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      try {
        await insertBlobChunk(this.db, { blob_id: id, offset: at, data });
      } catch (err) {
        // Another request (on any instance) wrote here first.
        if (isUniqueViolation(err)) throw offsetMismatch(at, await this.size(id));
        throw err;
      }
      at += data.length;
    };
    let received = 0;
    try {
      for await (const piece of source as AsyncIterable<Buffer>) {
        received += piece.length;
        if (received > max) throw tooManyBytes();
        let rest = piece;
        while (rest.length > 0) {
          const take = Math.min(rest.length, PG_CHUNK_BYTES - pendingBytes);
          pending.push(rest.subarray(0, take));
          pendingBytes += take;
          rest = rest.subarray(take);
          if (pendingBytes === PG_CHUNK_BYTES) await flush();
        }
      }
    } catch (err) {
      // Keep what arrived before the failure: the client resumes from there.
      if (!(err instanceof AppError && err.code === 'CONFLICT')) await flush().catch(() => undefined);
      throw err;
    }
    await flush();
    return at;
  }

  read(id: string, start: number, end: number): Readable {
    const db = this.db;
    async function* chunks() {
      let position = start;
      while (position < end) {
        const rows = await blobChunksFrom(db, id, position, PG_CHUNK_BYTES, READ_AHEAD);
        if (rows.length === 0) throw new Error(`blob ${id} has no bytes at ${position}`);
        for (const row of rows) {
          const rowStart = Number(row.offset);
          const from = position - rowStart;
          const to = Math.min(row.data.length, end - rowStart);
          if (from < 0 || from >= to) throw new Error(`blob ${id} has a gap at ${position}`);
          yield Buffer.from(row.data.buffer, row.data.byteOffset + from, to - from);
          position = rowStart + to;
          if (position >= end) return;
        }
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  seal(): Promise<void> {
    return Promise.resolve();
  }

  remove(ids: string[]): Promise<void> {
    return deleteBlobChunks(this.db, ids);
  }
}
