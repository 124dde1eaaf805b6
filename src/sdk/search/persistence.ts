/**
 * The index at rest, in the client's SecretStore (sealed there: in the browser AES-256-GCM under the device's
 * non-extractable store key, the entry's name as associated data, like the MLS state). What is stored is the indexed
 * documents, in chunks of 500 sequence numbers per conversation, and a manifest (the chunks and the backfill cursors);
 * the inverted index is rebuilt from them when loaded (faster than parsing a serialized one, and a live message
 * rewrites one small chunk instead of the whole index). Nothing of it is ever sent anywhere.
 */
import type { SecretStore } from '../e2ee/store.js';
import type { SearchDoc } from './search-index.js';

/** Where backfill stands in a conversation: the sequence numbers from `low` to `high` are indexed. */
export interface Cursor {
  /** The newest sequence number indexed from history (live messages come on top of it). */
  high: number;
  /** The oldest sequence number reached going back, or null before the first page. */
  low: number | null;
  /** Reached the start of the history this device can read. */
  complete: boolean;
}

export interface Manifest {
  v: 1;
  /** Chunk numbers per conversation. */
  chunks: Record<string, number[]>;
  cursors: Record<string, Cursor>;
}

export const CHUNK_SEQS = 500;

export const searchKeys = {
  manifest: (username: string) => `${username}/search/manifest`,
  chunk: (username: string, conversationId: string, chunk: number) => `${username}/search/chunk/${conversationId}/${chunk}`,
};

export const chunkOf = (doc: Pick<SearchDoc, 'conversationId' | 'seq'>): string => `${doc.conversationId}/${Math.floor(doc.seq / CHUNK_SEQS)}`;

/** A document without its conversation (the chunk names it): [id, seq, sender, sentAt, editedAt, text, contentType, encrypted, files]. */
type Row = [string, number, string, number, string | null, string, string, boolean, string[]?];

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const encodeChunk = (docs: SearchDoc[]): Uint8Array =>
  encoder.encode(
    JSON.stringify(
      docs.map((d): Row => {
        const row: Row = [d.id, d.seq, d.sender, d.sentAt, d.editedAt, d.text, d.contentType, d.encrypted];
        if (d.files) row.push(d.files);
        return row;
      }),
    ),
  );

const decodeChunk = (conversationId: string, bytes: Uint8Array): SearchDoc[] =>
  (JSON.parse(decoder.decode(bytes)) as Row[]).map(([id, seq, sender, sentAt, editedAt, text, contentType, encrypted, files]) => ({
    id,
    conversationId,
    seq,
    sender,
    sentAt,
    editedAt,
    text,
    contentType,
    encrypted,
    ...(files ? { files } : {}),
  }));

export const emptyManifest = (): Manifest => ({ v: 1, chunks: {}, cursors: {} });

export class IndexStore {
  constructor(
    private readonly store: SecretStore,
    private readonly username: string,
  ) {}

  async manifest(): Promise<Manifest | undefined> {
    const bytes = await this.store.get(searchKeys.manifest(this.username));
    if (!bytes) return undefined;
    const parsed = JSON.parse(decoder.decode(bytes)) as Manifest;
    return parsed.v === 1 ? parsed : undefined;
  }

  /** The stored documents, chunk by chunk (missing chunks are skipped). */
  async *documents(manifest: Manifest): AsyncGenerator<SearchDoc[]> {
    for (const [conversationId, chunks] of Object.entries(manifest.chunks)) {
      for (const chunk of chunks) {
        const bytes = await this.store.get(searchKeys.chunk(this.username, conversationId, chunk));
        if (bytes) yield decodeChunk(conversationId, bytes);
      }
    }
  }

  /**
   * Writes the manifest and the given chunks (`conversationId/chunk` → its documents; none: delete it) at once, so
   * that cursors never claim documents that are not stored.
   */
  async write(manifest: Manifest, chunks: ReadonlyMap<string, SearchDoc[]>): Promise<number> {
    const entries = new Map<string, Uint8Array | undefined>();
    let bytes = 0;
    for (const [key, docs] of chunks) {
      const slash = key.lastIndexOf('/');
      const conversationId = key.slice(0, slash);
      const chunk = Number(key.slice(slash + 1));
      const listed = new Set(manifest.chunks[conversationId] ?? []);
      if (docs.length === 0) listed.delete(chunk);
      else listed.add(chunk);
      if (listed.size > 0) manifest.chunks[conversationId] = [...listed].sort((a, b) => a - b);
      else delete manifest.chunks[conversationId];
      const value = docs.length === 0 ? undefined : encodeChunk(docs);
      bytes += value?.byteLength ?? 0;
      entries.set(searchKeys.chunk(this.username, conversationId, chunk), value);
    }
    const encoded = encoder.encode(JSON.stringify(manifest));
    entries.set(searchKeys.manifest(this.username), encoded);
    await this.store.write(entries);
    return bytes + encoded.byteLength;
  }

  /** Deletes every record of the index (log-out, device removed). */
  async erase(): Promise<void> {
    const manifest = await this.manifest();
    const entries = new Map<string, Uint8Array | undefined>([[searchKeys.manifest(this.username), undefined]]);
    for (const [conversationId, chunks] of Object.entries(manifest?.chunks ?? {})) {
      for (const chunk of chunks) entries.set(searchKeys.chunk(this.username, conversationId, chunk), undefined);
    }
    await this.store.write(entries);
  }
}
