/**
 * Search across conversations, in the sidebar: a search box (Ctrl/Cmd+K or "/" focuses it), filters, the result
 * count announced politely, results grouped by conversation with highlighted snippets, and backfill progress. The
 * query runs on this device's index only (client.search); nothing of it is sent.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { SearchHit } from '../../sdk/index.js';
import { useChat, useStore } from '../chat/chat-context.js';
import { conversationTitle } from '../chat/state.js';
import { revealMessage } from './reveal.js';
import { groupHits, SearchResults } from './search-results.js';
import { NO_FILTERS, useBackfill, useSearch, type SearchFilters } from './use-search.js';
import { navigate } from '../router.js';
import './search.css';

const count = (n: number, one: string, many: string) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** Whether a key press is typing into a field (then "/" is a character, not the shortcut). */
const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

export function SearchPanel({ conversationId }: { conversationId?: string }) {
  const store = useStore();
  const me = useChat((s) => s.me);
  const conversations = useChat((s) => s.conversations);
  const [query, setQuery] = useState('');
  const [filters, setFilters] = useState<SearchFilters>(NO_FILTERS);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [notFound, setNotFound] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const { hits, searching } = useSearch(query, filters);
  const backfill = useBackfill();

  const titleOf = (id: string) => {
    const c = conversations[id];
    return c ? conversationTitle(c, me) : 'A conversation you left';
  };
  const groups = useMemo(() => (hits ? groupHits(hits, titleOf) : []), [hits, conversations, me]);
  const senders = useMemo(
    () => [...new Set(Object.values(conversations).flatMap((c) => c.members.map((m) => m.username)))].sort(),
    [conversations],
  );
  const sortedConversations = useMemo(
    () => Object.values(conversations).map((c) => ({ id: c.id, title: conversationTitle(c, me) })).sort((a, b) => a.title.localeCompare(b.title)),
    [conversations, me],
  );

  // Ctrl/Cmd+K anywhere, or "/" outside a field: focus the search box (on a phone, back to the list first).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const shortcut = (e.key === 'k' || e.key === 'K') && (e.ctrlKey || e.metaKey) && !e.altKey;
      if (!shortcut && !(e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !typing(e.target))) return;
      e.preventDefault();
      const el = input.current;
      if (el && el.offsetParent === null) navigate('/');
      requestAnimationFrame(() => {
        input.current?.focus();
        input.current?.select();
      });
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const set = <K extends keyof SearchFilters>(key: K, value: SearchFilters[K]) => setFilters((f) => ({ ...f, [key]: value }));
  const open = (hit: SearchHit) => {
    setNotFound(false);
    void revealMessage(store, hit.message.conversationId, hit.message.seq).then((el) => setNotFound(el === undefined));
  };
  const firstResult = () => document.querySelector<HTMLButtonElement>('#search-results .search-hit')?.focus();
  const active = query.trim() !== '';
  const filtered = filters !== NO_FILTERS && JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);

  let status = '';
  if (active && hits && !searching) {
    status = hits.length === 0 ? 'No messages found' : `${count(hits.length, 'message', 'messages')} in ${count(groups.length, 'conversation', 'conversations')}`;
  }

  return (
    <div class={`search-panel${active ? ' is-searching' : ''}`}>
      <form role="search" class="search-form" onSubmit={(e) => (e.preventDefault(), firstResult())}>
        <label for="search-input" class="visually-hidden">
          Search messages
        </label>
        <input
          ref={input}
          id="search-input"
          type="search"
          class="search-input"
          placeholder="Search messages (Ctrl+K)"
          autoComplete="off"
          value={query}
          aria-controls={active && groups.length > 0 ? 'search-results' : undefined}
          aria-describedby="search-status"
          onInput={(e) => setQuery(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              firstResult();
            } else if (e.key === 'Escape' && query !== '') {
              e.preventDefault();
              setQuery('');
            }
          }}
        />
        <button
          type="button"
          class={`button button-small button-secondary${filtered ? ' is-filtered' : ''}`}
          aria-expanded={filtersOpen}
          aria-controls="search-filters"
          onClick={() => setFiltersOpen(!filtersOpen)}
        >
          Filters{filtered ? ' •' : ''}
        </button>
      </form>
      {filtersOpen && (
        <fieldset id="search-filters" class="search-filters">
          <legend class="visually-hidden">Search filters</legend>
          <label>
            Conversation
            <select value={filters.conversationId} onChange={(e) => set('conversationId', e.currentTarget.value)}>
              <option value="">All conversations</option>
              {conversationId && <option value={conversationId}>This conversation</option>}
              {sortedConversations
                .filter((c) => c.id !== conversationId)
                .map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.title}
                  </option>
                ))}
            </select>
          </label>
          <label>
            From
            <select value={filters.sender} onChange={(e) => set('sender', e.currentTarget.value)}>
              <option value="">Anyone</option>
              {senders.map((s) => (
                <option key={s} value={s}>
                  {s === me ? 'You' : s}
                </option>
              ))}
            </select>
          </label>
          <label>
            After
            <input type="date" value={filters.from} onInput={(e) => set('from', e.currentTarget.value)} />
          </label>
          <label>
            Before
            <input type="date" value={filters.to} onInput={(e) => set('to', e.currentTarget.value)} />
          </label>
          <label class="search-check">
            <input type="checkbox" checked={filters.hasFile} onChange={(e) => set('hasFile', e.currentTarget.checked)} />
            Has a file
          </label>
          <label>
            Order
            <select value={filters.sort} onChange={(e) => set('sort', e.currentTarget.value === 'newest' ? 'newest' : 'relevance')}>
              <option value="relevance">Best match</option>
              <option value="newest">Newest first</option>
            </select>
          </label>
          {filtered && (
            <button type="button" class="button button-small button-secondary" onClick={() => setFilters(NO_FILTERS)}>
              Clear filters
            </button>
          )}
        </fieldset>
      )}
      {backfill && (
        <p class="search-progress">
          <span>
            Indexing {backfill.indexed.toLocaleString()} of {backfill.total.toLocaleString()} messages for search
          </span>
          <progress max={backfill.total} value={backfill.indexed} aria-hidden="true" />
        </p>
      )}
      <p id="search-status" class={active ? 'search-status' : 'visually-hidden'} role="status" aria-live="polite">
        {status}
      </p>
      {notFound && (
        <p class="search-status" role="alert">
          That message is no longer in the conversation.
        </p>
      )}
      {active && groups.length > 0 && <SearchResults groups={groups} me={me} onOpen={open} onLeaveTop={() => input.current?.focus()} />}
    </div>
  );
}
