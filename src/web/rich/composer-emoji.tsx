/** The composer's emoji button: the picker (loaded when first opened) inserts the emoji at the caret. */
import type { RefObject } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { SmileIcon } from './icons.js';
import { LazyEmojiPicker } from './lazy-emoji-picker.js';

export function ComposerEmoji({ field, onText }: { field: RefObject<HTMLTextAreaElement>; onText: (text: string) => void }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const insert = (emoji: string) => {
    const el = field.current;
    setOpen(false);
    if (!el) return;
    const start = el.selectionStart;
    const text = `${el.value.slice(0, start)}${emoji}${el.value.slice(el.selectionEnd)}`;
    onText(text);
    queueMicrotask(() => {
      el.focus();
      el.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  };
  return (
    <>
      <button
        ref={button}
        type="button"
        class="icon-button composer-emoji"
        aria-expanded={open}
        title="Insert an emoji"
        disabled={field.current?.disabled}
        onClick={() => setOpen(!open)}
      >
        <SmileIcon />
        <span class="visually-hidden">Insert an emoji</span>
      </button>
      {open && (
        <LazyEmojiPicker
          label="Insert an emoji"
          onPick={insert}
          onClose={() => {
            setOpen(false);
            button.current?.focus();
          }}
        />
      )}
    </>
  );
}
