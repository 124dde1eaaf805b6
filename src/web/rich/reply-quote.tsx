import type { Message, MessageQuote } from '../../sdk/index.js';
import { useStore } from '../chat/chat-context.js';
import { markdownToPlain } from './markdown.js';

const label = (q: MessageQuote) =>
  q.kind === 'deleted' ? 'Message deleted' : q.kind === 'unavailable' ? 'Message not available on this device' : q.kind === 'photo' && q.text === '' ? 'Photo' : markdownToPlain(q.text);

function flash(el: Element): void {
  el.scrollIntoView({ block: 'center', behavior: 'smooth' });
  el.classList.add('is-flashed');
  setTimeout(() => el.classList.remove('is-flashed'), 1_600);
}

/** The quote of the message a reply answers; a click scrolls to the original (loading older history if needed). */
export function ReplyQuote({ message }: { message: Message }) {
  const store = useStore();
  const q = message.quote;
  if (!message.replyTo || !q || message.deleted) return null;
  const go = async () => {
    const find = () => document.querySelector(`[role="log"] .message[data-seq="${q.seq}"]`);
    for (let i = 0; i < 20 && !find(); i++) {
      const t = store.getState().engine.windows[message.conversationId];
      if (!t?.hasMore) break;
      await store.messages.loadOlder(message.conversationId);
    }
    const el = find();
    if (el) flash(el);
  };
  return (
    <button type="button" class={`reply-quote is-${q.kind}`} onClick={() => void go()}>
      <span class="visually-hidden">In reply to </span>
      <span class="reply-quote-sender">{q.sender || 'someone'}</span>
      <span class="reply-quote-text">{q.kind === 'photo' && q.text !== '' ? `Photo: ${q.text}` : label(q)}</span>
    </button>
  );
}
