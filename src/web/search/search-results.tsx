import type { ComponentChildren } from 'preact';
import type { SearchHit, Snippet } from '../../sdk/index.js';
import { formatFull, formatListTime } from '../chat/time.js';

/** The snippet as text and <mark> elements (never markup from the message). */
export function Highlighted({ snippet }: { snippet: Snippet }) {
  const parts: ComponentChildren[] = [];
  let at = 0;
  snippet.ranges.forEach(([start, end], i) => {
    if (start > at) parts.push(snippet.text.slice(at, start));
    parts.push(<mark key={i}>{snippet.text.slice(start, end)}</mark>);
    at = end;
  });
  if (at < snippet.text.length) parts.push(snippet.text.slice(at));
  return <>{parts}</>;
}

export interface ResultGroup {
  conversationId: string;
  title: string;
  hits: SearchHit[];
}

/** Groups hits by conversation, in the order of each conversation's first hit (so the best or newest group leads). */
export function groupHits(hits: SearchHit[], titleOf: (conversationId: string) => string): ResultGroup[] {
  const groups = new Map<string, ResultGroup>();
  for (const hit of hits) {
    const id = hit.message.conversationId;
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { conversationId: id, title: titleOf(id), hits: [] }));
    group.hits.push(hit);
  }
  return [...groups.values()];
}

/** Arrow keys move between results (and back up to the search box), Home/End jump to the first/last. */
function onResultKey(e: KeyboardEvent, onLeaveTop: () => void): void {
  const list = e.currentTarget as HTMLElement;
  const items = [...list.querySelectorAll<HTMLButtonElement>('.search-hit')];
  const at = items.indexOf(document.activeElement as HTMLButtonElement);
  let next: number | undefined;
  if (e.key === 'ArrowDown') next = Math.min(items.length - 1, at + 1);
  else if (e.key === 'ArrowUp') next = at - 1;
  else if (e.key === 'Home') next = 0;
  else if (e.key === 'End') next = items.length - 1;
  if (next === undefined) return;
  e.preventDefault();
  if (next < 0) onLeaveTop();
  else items[next]?.focus();
}

export function SearchResults({
  groups,
  me,
  onOpen,
  onLeaveTop,
}: {
  groups: ResultGroup[];
  me: string;
  onOpen: (hit: SearchHit) => void;
  onLeaveTop: () => void;
}) {
  return (
    <div class="search-results" id="search-results" onKeyDown={(e) => onResultKey(e, onLeaveTop)}>
      {groups.map((g) => (
        <section key={g.conversationId} class="search-group" aria-label={`${g.title}: ${g.hits.length} ${g.hits.length === 1 ? 'result' : 'results'}`}>
          <h2 class="search-group-title">{g.title}</h2>
          <ul>
            {g.hits.map((hit) => (
              <li key={hit.message.id}>
                <button type="button" class="search-hit" data-message-id={hit.message.id} onClick={() => onOpen(hit)}>
                  <span class="search-hit-meta">
                    <span class="search-hit-sender">{hit.message.sender === me ? 'You' : hit.message.sender}</span>
                    <time dateTime={hit.message.sentAt} title={formatFull(hit.message.sentAt)}>
                      {formatListTime(hit.message.sentAt)}
                    </time>
                  </span>
                  <span class="search-hit-text">
                    <Highlighted snippet={hit.snippet} />
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
