/**
 * `@name` autocomplete in the composer: typing `@` and the start of a name lists the conversation's members that
 * match (the field's list of options, by aria-activedescendant: arrows move, Enter or Tab inserts the name, Escape closes the list).
 */
import { useState } from 'preact/hooks';
import type { RefObject } from 'preact';

/** An @ at the start or after a space, then the name typed so far, up to the caret (the SDK's mention syntax). */
const TYPING = /(?:^|[^A-Za-z0-9_.@-])@([A-Za-z0-9_.-]{0,32})$/;
const MAX_SHOWN = 8;

export interface Query {
  /** Where the @ is in the text. */
  at: number;
  /** The name typed so far. */
  prefix: string;
}

export function queryAt(text: string, caret: number): Query | undefined {
  const match = TYPING.exec(text.slice(0, caret));
  if (!match) return undefined;
  const prefix = match[1] ?? '';
  return { at: caret - prefix.length - 1, prefix };
}

const same = (a: Query | undefined, b: Query | undefined): boolean => a?.at === b?.at && a?.prefix === b?.prefix;

export function useMentionAutocomplete(options: {
  id: string;
  field: RefObject<HTMLTextAreaElement>;
  members: readonly string[];
  onText: (text: string) => void;
}) {
  const { id, field, members, onText } = options;
  const [query, setQuery] = useState<Query>();
  const [active, setActive] = useState(0);
  /** The query whose list the user closed with Escape (it stays closed until the name typed changes). */
  const [dismissed, setDismissed] = useState<Query>();

  const matches = query
    ? members.filter((m) => m.toLowerCase().startsWith(query.prefix.toLowerCase())).slice(0, MAX_SHOWN)
    : [];
  // A name typed in full needs no list (Enter then sends, as it would without the list).
  const complete = query !== undefined && members.some((m) => m.toLowerCase() === query.prefix.toLowerCase());
  const open = query !== undefined && !complete && !same(query, dismissed) && matches.length > 0;
  const listId = `${id}-mentions`;
  const optionId = (i: number) => `${listId}-${i}`;

  /** Looks again at the text before the caret (after typing, a click or caret moves). */
  const update = () => {
    const el = field.current;
    if (!el) return;
    const q = el.selectionStart === el.selectionEnd ? queryAt(el.value, el.selectionStart) : undefined;
    if (!same(q, query)) setActive(0);
    setQuery(q);
    if (!same(q, dismissed)) setDismissed(undefined);
  };

  const insert = (name: string) => {
    const el = field.current;
    if (!el || !query) return;
    const end = query.at + 1 + query.prefix.length;
    const text = `${el.value.slice(0, query.at)}@${name} ${el.value.slice(end)}`;
    const caret = query.at + name.length + 2;
    onText(text);
    setQuery(undefined);
    // After the field shows the new value.
    queueMicrotask(() => {
      el.focus();
      el.setSelectionRange(caret, caret);
    });
  };

  /** Handles the combobox's keys; true when the key was used (the composer must not act on it too). */
  const onKeyDown = (e: KeyboardEvent): boolean => {
    if (!open) return false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((active + step + matches.length) % matches.length);
      return true;
    }
    if ((e.key === 'Enter' && !e.shiftKey && !e.isComposing) || e.key === 'Tab') {
      e.preventDefault();
      insert(matches[active] ?? matches[0]!);
      return true;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setDismissed(query);
      return true;
    }
    return false;
  };

  // The field stays a textbox (a textarea may not take the combobox role, and tests and screen readers find it as
  // "Message …"); the list is tied to it by aria-controls and the active option by aria-activedescendant.
  const inputProps = {
    'aria-autocomplete': 'list',
    'aria-controls': listId,
    'aria-activedescendant': open ? optionId(Math.min(active, matches.length - 1)) : undefined,
  } as const;

  const list = (
    <ul id={listId} class="mention-list" role="listbox" aria-label="Members to mention" hidden={!open}>
      {open &&
        matches.map((name, i) => (
          <li
            key={name}
            id={optionId(i)}
            role="option"
            class={`mention-option${i === active ? ' is-active' : ''}`}
            aria-selected={i === active}
            // Keeps the field's focus (and its caret) while the pointer picks.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => insert(name)}
          >
            @{name}
          </li>
        ))}
    </ul>
  );

  const close = () => setQuery(undefined);

  return { update, close, onKeyDown, inputProps, list, open };
}
