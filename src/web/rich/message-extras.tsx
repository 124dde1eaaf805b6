import { useRef, useState } from 'preact/hooks';
import type { Message } from '../../sdk/index.js';
import { CopyIcon, ReplyIcon, SmileIcon } from './icons.js';
import { QUICK_EMOJI, useReact } from './reaction-bar.js';
import { LazyEmojiPicker } from './lazy-emoji-picker.js';
import { replyTo } from './reply-state.js';

/** React and Reply on any readable message (own and others'), and Copy its text. */
export function MessageExtras({ message }: { message: Message }) {
  const { toggle, error } = useReact(message);
  const [picking, setPicking] = useState(false);
  const [full, setFull] = useState(false);
  const more = useRef<HTMLButtonElement>(null);
  if (message.deleted || message.decryptionError !== null || !message.encrypted || message.seq === 0) return null;
  return (
    <div
      class="message-extras"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && (picking || full)) {
          e.stopPropagation();
          setPicking(false);
          setFull(false);
        }
      }}
    >
      <button type="button" class="icon-button" aria-expanded={picking} title="React" onClick={() => {
          setPicking(!picking);
          setFull(false);
        }}>
        <SmileIcon />
        <span class="visually-hidden">React to this message</span>
      </button>
      <button type="button" class="icon-button" title="Reply" onClick={() => replyTo(message)}>
        <ReplyIcon />
        <span class="visually-hidden">Reply to this message</span>
      </button>
      {message.text !== '' && (
        <button type="button" class="icon-button" title="Copy text" onClick={() => void navigator.clipboard?.writeText(message.text).catch(() => undefined)}>
          <CopyIcon />
          <span class="visually-hidden">Copy the text</span>
        </button>
      )}
      {picking && (
        <span class="emoji-choices" role="group" aria-label="Pick a reaction">
          {QUICK_EMOJI.map((emoji) => (
            <button
              key={emoji}
              type="button"
              class="emoji-choice"
              onClick={() => {
                setPicking(false);
                void toggle(emoji);
              }}
            >
              {emoji}
            </button>
          ))}
          <button ref={more} type="button" class="emoji-choice emoji-more" aria-expanded={full} title="More emoji" onClick={() => setFull(!full)}>
            <span aria-hidden="true">+</span>
            <span class="visually-hidden">More emoji</span>
          </button>
        </span>
      )}
      {picking && full && (
        <LazyEmojiPicker
          label="React with an emoji"
          onPick={(emoji) => {
            setFull(false);
            setPicking(false);
            void toggle(emoji);
          }}
          onClose={() => {
            setFull(false);
            more.current?.focus();
          }}
        />
      )}
      {error && <span class="reaction-error" role="alert">{error}</span>}
    </div>
  );
}
