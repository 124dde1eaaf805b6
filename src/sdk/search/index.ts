/** Local full-text search over the messages this device can read (see docs/SDK.md, "Search"). */
export { LocalSearch, type LocalSearchOptions, type SearchEvents } from './local-search.js';
export type { SearchDoc, SearchHit, SearchOptions } from './search-index.js';
export type { BackfillProgress, HistorySource } from './backfill.js';
export type { Snippet } from './snippet.js';
export { fold, terms } from './text.js';
export { DeviceSearch } from './device-search.js';
export { SEARCH_SIDE_METHODS, type RemoteSearch, type SearchEvent, type SearchSide } from './side.js';
