import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

/** Counts as "at the bottom" (new messages scroll into view) within this distance (px). */
const STICK_WITHIN = 80;

interface Anchor {
  seq: number;
  /** Distance from the scroller's top edge to the message's top edge, before the change. */
  offset: number;
}

/** The first message (an element with data-seq) at the top edge of the scroller's viewport. */
function findAnchor(scroller: HTMLElement): Anchor | undefined {
  const box = scroller.getBoundingClientRect();
  const x = box.left + box.width / 2;
  for (let y = box.top + 4; y < Math.min(box.bottom, box.top + 400); y += 24) {
    const group = document.elementFromPoint(x, y)?.closest('.message-group');
    if (!group || !scroller.contains(group)) continue;
    for (const node of group.querySelectorAll<HTMLElement>('[data-seq]')) {
      const rect = node.getBoundingClientRect();
      if (rect.bottom > box.top) return { seq: Number(node.dataset.seq), offset: rect.top - box.top };
    }
  }
  return undefined;
}

/**
 * Scrolling of a chat log: starts at the bottom and follows new messages while the reader is there (or when they
 * sent one), keeps the reader's place when older messages are put above, and reports when the top is near.
 * `first`/`last` are the sequence numbers of the oldest and newest loaded messages; `pending` the unsent count.
 */
export function useLogScroll(first: number, last: number, pending: number, onNearTop: () => void) {
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const [away, setAway] = useState(false);
  const seen = useRef({ first, last, pending });
  const anchor = useRef<Anchor>();

  // During render, before the DOM changes: if older messages are about to be put above, remember what is on screen.
  if (scroller.current && seen.current.first !== 0 && first < seen.current.first && !stick.current) {
    anchor.current = findAnchor(scroller.current);
  }

  const toBottom = () => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    stick.current = true;
    setAway(false);
  };

  useLayoutEffect(() => {
    const el = scroller.current;
    const before = seen.current;
    seen.current = { first, last, pending };
    if (!el) return;
    const kept = anchor.current;
    anchor.current = undefined;
    if (kept) {
      // Put the same message back where it was (a no-op when the browser's scroll anchoring already did).
      const node = el.querySelector<HTMLElement>(`[data-seq="${kept.seq}"]`);
      if (node) el.scrollTop += node.getBoundingClientRect().top - el.getBoundingClientRect().top - kept.offset;
    } else if (stick.current || pending > before.pending) {
      toBottom();
    }
  });

  // Content that changes size (messages rendered for the first time, edits, a resized window) keeps the bottom in view.
  useEffect(() => {
    const el = scroller.current;
    const inner = content.current;
    if (!el || !inner) return;
    const observer = new ResizeObserver(() => {
      if (stick.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    observer.observe(inner);
    return () => observer.disconnect();
  }, []);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_WITHIN;
    setAway(!stick.current);
    if (el.scrollTop < el.clientHeight) onNearTop();
  };

  return { scroller, content, onScroll, away, toBottom };
}
