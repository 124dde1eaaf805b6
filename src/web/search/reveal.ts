/**
 * Opening a search result: the conversation is opened, older history is loaded until the message is in the log
 * (with the messages around it), then it is scrolled to the middle, highlighted and focused.
 */
import type { ChatStore } from '../chat/store.js';
import { navigate } from '../router.js';

export const HIT_CLASS = 'is-search-hit';

const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

function find(seq: number): HTMLElement | null {
  return document.querySelector<HTMLElement>(`.chat-view .message[data-seq="${seq}"]`);
}

/** Whether the element is inside its scroller's visible part. */
function inView(el: HTMLElement): boolean {
  const scroller = el.closest('.message-scroll');
  if (!scroller) return false;
  const box = scroller.getBoundingClientRect();
  const rect = el.getBoundingClientRect();
  return rect.top >= box.top && rect.bottom <= box.bottom;
}

/**
 * Scrolls the message to the middle and focuses it, and keeps it so for a few frames: a conversation that just opened
 * still sticks its log to the bottom and focuses its composer once; the reader's scroll then takes over.
 */
async function settle(el: HTMLElement): Promise<void> {
  for (let i = 0; i < 20; i++) {
    if (!el.isConnected) return;
    if (!inView(el)) el.scrollIntoView({ block: 'center' });
    const active = document.activeElement;
    if (active !== el && (active === document.body || active?.id === 'composer-input' || active?.closest('.search-panel'))) {
      el.focus({ preventScroll: true });
    }
    await frame();
  }
}

/** Resolves with the highlighted element, or undefined if the message is not in the conversation's history. */
export async function revealMessage(store: ChatStore, conversationId: string, seq: number): Promise<HTMLElement | undefined> {
  navigate(`/c/${conversationId}`);
  for (let i = 0; i < 600; i++) {
    await frame();
    const el = find(seq);
    if (el) {
      for (const old of document.querySelectorAll(`.${HIT_CLASS}`)) old.classList.remove(HIT_CLASS);
      el.classList.add(HIT_CLASS);
      el.tabIndex = -1;
      await settle(el);
      return el;
    }
    const timeline = store.getState().engine.windows[conversationId];
    if (!timeline || timeline.status === 'loading' || timeline.loadingOlder) continue;
    if (timeline.status === 'error' || timeline.error) return undefined;
    const oldest = timeline.messages.find((m) => m.status === 'sent')?.seq ?? Infinity;
    if (oldest > seq && timeline.hasMore) await store.messages.loadOlder(conversationId);
    else if (timeline.messages.every((m) => m.seq !== seq)) return undefined;
  }
  return undefined;
}
