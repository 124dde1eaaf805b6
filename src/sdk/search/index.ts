/** Local full-text search over the messages this device can read (see docs/SDK.md, "Search"). */
export { LocalSearch, type LocalSearchOptions, type SearchEvents } from './local-search.js';
export type { SearchDoc, SearchHit, SearchOptions } from './search-index.js';
export type { BackfillProgress, HistorySource } from './backfill.js';
export type { Snippet } from './snippet.js';
export { fold, terms } from './text.js';
