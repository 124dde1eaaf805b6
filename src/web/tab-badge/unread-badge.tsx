import { useEffect } from 'preact/hooks';
import { useChat } from '../chat/chat-context.js';
import type { ChatState } from '../chat/state.js';
import { setFaviconCount, setTitleCount, stopTitleCount } from './tab-badge.js';

/** Unread messages over every conversation (muted ones included: they count, quietly). */
export const totalUnread = (s: ChatState): number => Object.values(s.conversations).reduce((n, c) => n + c.unread, 0);

/** Shows the unread count in the tab's title and on its favicon, and clears both when everything is read. */
export function UnreadBadge() {
  const count = useChat(totalUnread);
  useEffect(() => {
    setTitleCount(count);
    void setFaviconCount(count).catch(() => undefined);
  }, [count]);
  useEffect(
    () => () => {
      stopTitleCount();
      void setFaviconCount(0);
    },
    [],
  );
  return null;
}
