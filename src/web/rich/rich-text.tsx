import { useMemo, useState } from 'preact/hooks';
import type { Message } from '../../sdk/index.js';
import { renderMarkdown } from './markdown.js';

/** Longer messages are folded to this many lines until "Show more". */
const FOLD_LINES = 40;

/** A message's text as formatted Markdown with clickable links and highlighted mentions (never HTML). */
export function RichText({ message, me }: { message: Message; me: string | undefined }) {
  const [open, setOpen] = useState(false);
  const lines = useMemo(() => message.text.split('\n').length, [message.text]);
  const long = lines > FOLD_LINES || message.text.length > FOLD_LINES * 120;
  const children = useMemo(
    () => renderMarkdown(message.text, { mentions: message.mentions, ...(me !== undefined ? { me } : {}) }),
    [message.text, message.mentions, me],
  );
  if (message.text === '') return null;
  return (
    <>
      <div class={`message-text rich-text${long && !open ? ' is-folded' : ''}`}>{children}</div>
      {long && (
        <button type="button" class="show-more" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Show less' : 'Show more'}
        </button>
      )}
    </>
  );
}
