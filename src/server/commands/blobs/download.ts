import type { Readable } from 'node:stream';
import type { Deps } from '../../deps.js';
import type { Actor } from '../../policies/actor.js';
import { accessBlob } from './access.js';

export interface Download {
  /** The whole ciphertext's size. */
  size: number;
  /** The bytes in [start, end). */
  open(start: number, end: number): Readable;
}

/** A blob the actor may read (or NOT_FOUND, as for a random id). */
export async function openDownload(deps: Deps, actor: Actor, blobId: string): Promise<Download> {
  const blob = await accessBlob(deps.db, actor, blobId);
  return { size: blob.size, open: (start, end) => deps.blobs.read(blobId, start, end) };
}
