/**
 * `client.searchIndex`: the device's search index wherever it lives. In Node (and whenever the end-to-end layer runs
 * in the calling thread) it is a LocalSearch here, fed by the client's message events and kept in its SecretStore. In
 * the browser the layer runs in a Web Worker and brings its own index (search/worker-side.ts), fed there by what it
 * decodes and sealed in the worker's IndexedDB store: once attached, this only forwards queries and relays events.
 */
import { Emitter } from '../emitter.js';
import type { Message } from '../message-stream.js';
import type { BackfillProgress, HistorySource } from './backfill.js';
import type { LocalSearch, SearchEvents } from './local-search.js';
import type { SearchHit, SearchOptions } from './search-index.js';
import type { RemoteSearch, SearchEvent } from './side.js';

export class DeviceSearch extends Emitter<SearchEvents> {
  private remote: RemoteSearch | undefined;
  private remoteProgress: BackfillProgress | undefined;

  constructor(private readonly local: LocalSearch) {
    super();
    local.on('progress', (p) => this.emit('progress', p));
    local.on('changed', () => this.emit('changed'));
    local.on('error', (e) => this.emit('error', e));
  }

  /** The last backfill progress reported (undefined before backfill started). */
  get progress(): BackfillProgress | undefined {
    return this.remote ? this.remoteProgress : this.local.progress;
  }

  /** Whether the index lives beside the end-to-end layer (in its worker) rather than here. */
  get remoteIndex(): boolean {
    return this.remote !== undefined;
  }

  /** The end-to-end layer opened with its own index: queries and backfill go there from now on. */
  attach(remote: RemoteSearch): void {
    this.remote = remote;
    this.remoteProgress = undefined;
    remote.onEvent((e: SearchEvent) => {
      if (this.remote !== remote) return;
      if (e.kind === 'progress') {
        this.remoteProgress = e.progress;
        this.emit('progress', e.progress);
      } else if (e.kind === 'changed') this.emit('changed');
      else this.emit('error', new Error(e.message));
    });
    // What a search answered before may be out of date now.
    this.emit('changed');
  }

  /** Opens the index of the signed-in user and starts backfill (beside the layer: it reads history itself). */
  open(username: string, source: HistorySource): void {
    if (this.remote) void this.remote.start().catch((e: unknown) => this.emit('error', e));
    else this.local.open(username, source);
  }

  /** A message as it now reads. Beside the layer the index is fed by what the layer decodes: nothing to do here. */
  put(message: Message): void {
    if (!this.remote) this.local.put(message);
  }

  /** Removes a message (a disappearing message that expired, or one deleted on this device). */
  remove(messageId: string): void {
    if (this.remote) void this.remote.remove(messageId).catch((e: unknown) => this.emit('error', e));
    else this.local.remove(messageId);
  }

  search(query: string, options?: SearchOptions): Promise<SearchHit[]> {
    return this.remote ? this.remote.search(query, options) : this.local.search(query, options);
  }

  size(): Promise<number> {
    return this.remote ? this.remote.size() : this.local.size();
  }

  flush(): Promise<void> {
    return this.remote ? this.remote.flush() : this.local.flush();
  }

  /** Resolves once the current backfill run has ended. */
  backfilled(): Promise<void> {
    return this.remote ? this.remote.backfilled() : this.local.backfilled();
  }

  /** Stops backfill and writes what changed (beside the layer, its close does so). */
  async close(): Promise<void> {
    this.remote = undefined;
    await this.local.close();
  }

  /** Deletes the index from memory and from the store (log-out, device removed, account deleted). */
  async erase(): Promise<void> {
    const remote = this.remote;
    this.remote = undefined;
    this.remoteProgress = undefined;
    await Promise.all([remote?.erase(), this.local.erase()]);
  }
}
