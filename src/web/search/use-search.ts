/** The search box's state: runs the query on the local index (debounced, latest wins) and follows backfill. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { BackfillProgress, SearchHit, SearchOptions } from '../../sdk/index.js';
import { client } from '../client.js';

export interface SearchFilters {
  conversationId: string;
  sender: string;
  /** yyyy-mm-dd from a date input, or ''. */
  from: string;
  to: string;
  hasFile: boolean;
  sort: 'relevance' | 'newest';
}

export const NO_FILTERS: SearchFilters = { conversationId: '', sender: '', from: '', to: '', hasFile: false, sort: 'relevance' };

/** The filters as SDK options: a date range covers whole local days. */
export function toOptions(f: SearchFilters): SearchOptions {
  const day = (s: string) => new Date(`${s}T00:00:00`).getTime();
  return {
    limit: 100,
    sort: f.sort,
    ...(f.conversationId ? { conversationId: f.conversationId } : {}),
    ...(f.sender ? { sender: f.sender } : {}),
    ...(f.from ? { after: day(f.from) - 1 } : {}),
    ...(f.to ? { before: day(f.to) + 86_400_000 } : {}),
    ...(f.hasFile ? { hasFile: true } : {}),
  };
}

export function useSearch(query: string, filters: SearchFilters): { hits: SearchHit[] | undefined; searching: boolean } {
  const [hits, setHits] = useState<SearchHit[]>();
  const [searching, setSearching] = useState(false);
  const [version, setVersion] = useState(0);
  const latest = useRef(0);

  // The index changed (a message arrived, was edited or deleted, backfill went on): search again, at most 3× a second.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = client.searchIndex.on('changed', () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        setVersion((v) => v + 1);
      }, 300);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, []);

  useEffect(() => {
    const ticket = ++latest.current;
    if (query.trim() === '') {
      setHits(undefined);
      setSearching(false);
      return;
    }
    setSearching(true);
    const timer = setTimeout(() => {
      client.search(query, toOptions(filters)).then(
        (found) => ticket === latest.current && (setHits(found), setSearching(false)),
        () => ticket === latest.current && (setHits([]), setSearching(false)),
      );
    }, 120);
    return () => clearTimeout(timer);
  }, [query, filters, version]);

  return { hits, searching };
}

/** Backfill progress, while it runs (undefined once done or before it starts). */
export function useBackfill(): BackfillProgress | undefined {
  const [progress, setProgress] = useState(client.searchIndex.progress);
  useEffect(() => client.searchIndex.on('progress', setProgress), []);
  return progress && !progress.done ? progress : undefined;
}
