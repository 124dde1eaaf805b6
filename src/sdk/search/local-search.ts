/**
 * The device's search: the in-memory index (search-index.ts), fed by the client's decrypted messages (live, edited,
 * deleted) and by backfill (backfill.ts), persisted sealed in the SecretStore (persistence.ts), debounced. Loaded
 * lazily: the first search, message or backfill step loads it. Nothing of the index or of a query leaves the device.
 */
import { Emitter } from '../emitter.js';
import type { SecretStore } from '../e2ee/store.js';
import type { Message } from '../message-stream.js';
import { backfill, type BackfillProgress, type HistorySource } from './backfill.js';
import { chunkOf, emptyManifest, IndexStore, type Cursor, type Manifest } from './persistence.js';
import { indexable, SearchIndex, toDoc, type SearchDoc, type SearchHit, type SearchOptions } from './search-index.js';

export type SearchEvents = {
  /** Backfill progress: "Indexing 12,400 of 40,000". */
  progress: (progress: BackfillProgress) => void;
  /** The index changed (a message was added, edited or removed). */
  changed: () => void;
  /** A background step failed (loading, writing, backfill). */
  error: (error: unknown) => void;
};

export interface LocalSearchOptions {
  /** Wait this long after the last change before writing (default 2 s). */
  flushDelayMs?: number;
  /** Pause between two backfill pages (default 30 ms). */
  pageDelayMs?: number;
  /** Start backfill when opened (default true). */
  backfill?: boolean;
}

type Op = { put: Message } | { remove: string };

export class LocalSearch extends Emitter<SearchEvents> {
  private readonly index = new SearchIndex();
  private manifest: Manifest = emptyManifest();
  private persisted: IndexStore | undefined;
  private loading: Promise<void> | undefined;
  private readonly pending: Op[] = [];
  private readonly dirty = new Set<string>();
  private manifestDirty = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private generation = 0;
  private backfilling: Promise<void> | undefined;
  /** The last progress reported (undefined before backfill started). */
  progress: BackfillProgress | undefined;
  /** Bytes written at the last flush (chunks written then and the manifest). */
  lastWriteBytes = 0;

  constructor(
    private readonly store: SecretStore,
    private readonly options: LocalSearchOptions = {},
  ) {
    super();
  }

  /** Opens the index of a signed-in user and starts backfill from `source` in the background. */
  open(username: string, source?: HistorySource): void {
    this.persisted ??= new IndexStore(this.store, username);
    if (source && !this.backfilling && this.options.backfill !== false) this.startBackfill(source);
  }

  private startBackfill(source: HistorySource): void {
    const generation = this.generation;
    this.backfilling = (async () => {
      await this.load();
      await backfill(source, {
        cursor: (id) => this.manifest.cursors[id],
        indexed: (id, messages, cursor) => this.indexed(id, messages, cursor),
        progress: (p) => {
          this.progress = p;
          this.emit('progress', p);
        },
        alive: () => generation === this.generation,
        pause: () => new Promise((r) => setTimeout(r, this.options.pageDelayMs ?? 30)),
      });
      if (generation === this.generation) await this.flush();
    })().catch((e: unknown) => {
      if (generation === this.generation) this.emit('error', e);
    });
  }

  /** Resolves once the current backfill run has ended. */
  async backfilled(): Promise<void> {
    await this.backfilling;
  }

  /** A message as it now reads (new, edited, deleted or undecryptable): indexed, re-indexed or removed. */
  put(message: Message): void {
    this.apply({ put: message });
  }

  /** Removes a message (a disappearing message that expired, or one deleted on this device). */
  remove(messageId: string): void {
    this.apply({ remove: messageId });
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    await this.load();
    return this.index.search(query, options);
  }

  /** How many messages are indexed. */
  async size(): Promise<number> {
    await this.load();
    return this.index.size;
  }

  /** Writes what changed now. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const persisted = this.persisted;
    if (!persisted || (this.dirty.size === 0 && !this.manifestDirty)) return this.writing;
    this.manifestDirty = false;
    const chunks = new Map<string, SearchDoc[]>();
    for (const key of this.dirty) chunks.set(key, []);
    this.dirty.clear();
    for (const doc of this.index.all()) chunks.get(chunkOf(doc))?.push(doc);
    const manifest = structuredClone(this.manifest);
    this.writing = this.writing
      .then(async () => {
        this.lastWriteBytes = await persisted.write(manifest, chunks);
        // Chunks added or emptied by this write are listed from now on.
        for (const [id, list] of Object.entries(manifest.chunks)) this.manifest.chunks[id] = list;
        for (const id of Object.keys(this.manifest.chunks)) if (!(id in manifest.chunks)) delete this.manifest.chunks[id];
      })
      .catch((e: unknown) => this.emit('error', e));
    return this.writing;
  }

  /** Stops backfill and writes what changed (the client closes; the index stays on the device). */
  async close(): Promise<void> {
    this.generation++;
    await this.flush();
    this.reset();
  }

  /** Stops backfill and deletes the index from memory and from the store (log-out, device removed). */
  async erase(): Promise<void> {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty.clear();
    this.manifestDirty = false;
    const persisted = this.persisted;
    this.reset();
    await this.writing;
    await persisted?.erase();
  }

  private reset(): void {
    this.persisted = undefined;
    this.loading = undefined;
    this.pending.length = 0;
    this.index.clear();
    this.manifest = emptyManifest();
    this.progress = undefined;
    this.backfilling = undefined;
  }

  private load(): Promise<void> {
    const persisted = this.persisted;
    if (!persisted) return Promise.resolve();
    this.loading ??= (async () => {
      const manifest = await persisted.manifest();
      if (manifest && persisted === this.persisted) {
        this.manifest = manifest;
        for await (const docs of persisted.documents(manifest)) {
          if (persisted !== this.persisted) return;
          await this.index.putAllFresh(docs);
        }
      }
      for (const op of this.pending.splice(0)) this.run(op);
      // What a search before the load answered may be out of date now.
      this.emit('changed');
    })();
    return this.loading;
  }

  private apply(op: Op): void {
    if (!this.persisted) {
      // Before open (connect): kept for when the index is loaded.
      if (this.pending.length < 10_000) this.pending.push(op);
      return;
    }
    this.pending.push(op);
    this.load()
      .then(() => {
        for (const o of this.pending.splice(0)) this.run(o);
      })
      .catch((e: unknown) => this.emit('error', e));
  }

  private run(op: Op): void {
    if ('remove' in op) {
      const gone = this.index.remove(op.remove);
      if (gone) this.touched(chunkOf(gone));
      return;
    }
    const m = op.put;
    if (!indexable(m)) {
      const gone = this.index.remove(m.id);
      if (gone) this.touched(chunkOf(gone));
      return;
    }
    const doc = toDoc(m, m.attachments.length > 0 ? m.attachments.map((a) => a.name) : this.index.get(m.id)?.files);
    this.index.put(doc);
    this.touched(chunkOf(doc));
  }

  private indexed(conversationId: string, messages: Message[], cursor: Cursor): void {
    for (const m of messages) this.run({ put: m });
    this.manifest.cursors[conversationId] = cursor;
    this.touched(undefined);
  }

  private touched(chunk: string | undefined): void {
    if (chunk !== undefined) this.dirty.add(chunk);
    else this.manifestDirty = true;
    this.emit('changed');
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), this.options.flushDelayMs ?? 2000);
  }
}
