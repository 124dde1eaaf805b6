/**
 * The full emoji picker, loaded only when opened (this module is a dynamic import). Its data and search come from
 * emoji-picker-element's Database (emojibase data kept in IndexedDB, searched by name and shortcode, with the user's
 * most used emoji); the data file is emitted by our build and served from our origin, never from a CDN. The picker's
 * own web component is not used: it sets style attributes, which our CSP refuses; these elements need none.
 */
import Database from 'emoji-picker-element/database.js';
import type { Emoji, NativeEmoji } from 'emoji-picker-element/shared.js';
import dataUrl from 'emoji-picker-element-data/en/emojibase/data.json?url';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';

/** emojibase's groups (2, the skin-tone components, is not offered). */
const GROUPS: readonly { id: number; label: string; icon: string }[] = [
  { id: 0, label: 'Smileys and emotion', icon: '😀' },
  { id: 1, label: 'People and body', icon: '👋' },
  { id: 3, label: 'Animals and nature', icon: '🐱' },
  { id: 4, label: 'Food and drink', icon: '🍎' },
  { id: 5, label: 'Travel and places', icon: '🏠️' },
  { id: 6, label: 'Activities', icon: '⚽' },
  { id: 7, label: 'Objects', icon: '📝' },
  { id: 8, label: 'Symbols', icon: '⛔️' },
  { id: 9, label: 'Flags', icon: '🏁' },
];
const FREQUENT = -1;
const COLUMNS = 8;

let shared: Database | undefined;
const database = (): Database => (shared ??= new Database({ dataSource: dataUrl }));

const isNative = (e: Emoji): e is NativeEmoji => 'unicode' in e;

interface Props {
  /** The label of the picker ("React with an emoji", "Insert an emoji"). */
  label: string;
  onPick: (emoji: string) => void;
  onClose: () => void;
}

/** A search field, the groups as tabs and a grid of emoji (arrow keys move, Enter picks, Escape closes). */
export function EmojiPicker({ label, onPick, onClose }: Props) {
  const [group, setGroup] = useState<number>(FREQUENT);
  const [query, setQuery] = useState('');
  const [emoji, setEmoji] = useState<readonly NativeEmoji[]>();
  const [error, setError] = useState<string>();
  const [active, setActive] = useState(0);
  const search = useRef<HTMLInputElement>(null);
  const grid = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => search.current?.focus(), []);
  useEffect(() => {
    let live = true;
    const db = database();
    const q = query.trim();
    const load = async (): Promise<readonly NativeEmoji[]> => {
      if (q) return (await db.getEmojiBySearchQuery(q)).filter(isNative);
      if (group !== FREQUENT) return db.getEmojiByGroup(group);
      const top = (await db.getTopFavoriteEmoji(COLUMNS * 4)).filter(isNative);
      return top.length > 0 ? top : db.getEmojiByGroup(0);
    };
    load().then(
      (list) => {
        if (!live) return;
        setEmoji(list);
        setActive(0);
        setError(undefined);
      },
      () => live && setError('The emoji could not be loaded.'),
    );
    return () => {
      live = false;
    };
  }, [group, query]);

  const pick = (e: NativeEmoji) => {
    void database().incrementFavoriteEmojiCount(e.unicode).catch(() => undefined);
    onPick(e.unicode);
  };
  const move = (to: number) => {
    const list = emoji ?? [];
    if (list.length === 0) return;
    const next = Math.max(0, Math.min(list.length - 1, to));
    setActive(next);
    grid.current?.querySelectorAll<HTMLButtonElement>('.emoji-cell')[next]?.focus();
  };
  const tabs = useMemo(() => [{ id: FREQUENT, label: 'Frequently used', icon: '🕘' }, ...GROUPS], []);

  return (
    <div
      class="emoji-picker"
      role="dialog"
      aria-label={label}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <input
        ref={search}
        type="search"
        class="emoji-search"
        placeholder="Search emoji"
        aria-label="Search emoji"
        value={query}
        onInput={(e) => setQuery(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || (e.key === 'Enter' && emoji?.[0])) {
            e.preventDefault();
            if (e.key === 'Enter' && emoji?.[0]) pick(emoji[0]);
            else move(0);
          }
        }}
      />
      {query.trim() === '' && (
        <div class="emoji-groups" role="tablist" aria-label="Emoji groups">
          {tabs.map((g) => (
            <button
              key={g.id}
              type="button"
              role="tab"
              class="emoji-group"
              aria-selected={g.id === group}
              title={g.label}
              aria-label={g.label}
              onClick={() => setGroup(g.id)}
            >
              {g.icon}
            </button>
          ))}
        </div>
      )}
      <div
        ref={grid}
        class="emoji-grid"
        role="group"
        aria-label={query.trim() ? 'Search results' : tabs.find((g) => g.id === group)?.label}
        onKeyDown={(e) => {
          const step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -COLUMNS, ArrowDown: COLUMNS, Home: -Infinity, End: Infinity }[e.key];
          if (step === undefined) return;
          e.preventDefault();
          if (e.key === 'ArrowUp' && active < COLUMNS) search.current?.focus();
          else move(active + step);
        }}
      >
        {error && <p class="emoji-status" role="alert">{error}</p>}
        {!error && emoji === undefined && <p class="emoji-status">Loading emoji…</p>}
        {emoji?.length === 0 && <p class="emoji-status">No emoji found.</p>}
        {emoji?.map((e, i) => (
          <button
            key={e.unicode}
            type="button"
            class="emoji-cell"
            tabIndex={i === active ? 0 : -1}
            title={e.annotation}
            aria-label={e.annotation}
            onFocus={() => setActive(i)}
            onClick={() => pick(e)}
          >
            {e.unicode}
          </button>
        ))}
      </div>
    </div>
  );
}
