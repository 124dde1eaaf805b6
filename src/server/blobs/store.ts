import type { Readable } from 'node:stream';
import { AppError } from '../errors.js';

/**
 * Where blob bytes live: a directory on SQLite (fs-store.ts), a chunk table every instance shares on PostgreSQL
 * (pg-store.ts). Bytes only ever stream through: no blob is held whole in memory.
 */
export interface BlobStore {
  /** Bytes stored so far (0 for a blob with none). */
  size(id: string): Promise<number>;
  /**
   * Appends what `source` carries at `offset`, which must be the stored size, and at most `max` bytes. What arrived
   * before a failure (a dropped connection) stays stored, so the upload resumes from there. Resolves with the new size.
   */
  append(id: string, offset: number, source: Readable, max: number): Promise<number>;
  /** The bytes in [start, end). */
  read(id: string, start: number, end: number): Readable;
  /** Makes the stored bytes durable (called once an upload is complete). */
  seal(id: string): Promise<void>;
  remove(ids: string[]): Promise<void>;
}

export const offsetMismatch = (offset: number, stored: number) =>
  new AppError('CONFLICT', `Upload-Offset ${offset} does not match the ${stored} bytes stored: ask for the upload's status and resume from there.`);

export const tooManyBytes = () => new AppError('FILE_TOO_LARGE', 'More bytes were sent than the upload declared.');
