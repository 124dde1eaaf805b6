/**
 * The search index as the client calls it when the index lives beside the end-to-end layer (in the browser: inside
 * its Web Worker, search/worker-side.ts). Plain data and promises only: all of it crosses the worker boundary.
 */
import type { BackfillProgress } from './backfill.js';
import type { SearchHit, SearchOptions } from './search-index.js';

/** What the index beside the layer tells the client. */
export type SearchEvent = { kind: 'progress'; progress: BackfillProgress } | { kind: 'changed' } | { kind: 'error'; message: string };

export interface SearchSide {
  search(query: string, options?: SearchOptions): Promise<SearchHit[]>;
  /** Starts backfill (the client calls it once caught up, as it would start its own). */
  start(): Promise<void>;
  remove(messageId: string): Promise<void>;
  flush(): Promise<void>;
  size(): Promise<number>;
  backfilled(): Promise<void>;
  /** Deletes the index from memory and from the store (log-out, device removed); the layer's close waits for it. */
  erase(): Promise<void>;
}

/** The method names of SearchSide, for the worker bridge. */
export const SEARCH_SIDE_METHODS = ['search', 'start', 'remove', 'flush', 'size', 'backfilled', 'erase'] as const satisfies readonly (keyof SearchSide)[];

/** A SearchSide in another thread, with its events. */
export interface RemoteSearch extends SearchSide {
  /** Where the side's events go from now on. */
  onEvent(listener: (event: SearchEvent) => void): void;
}
