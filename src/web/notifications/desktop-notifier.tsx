import { useEffect } from 'preact/hooks';
import { useStore } from '../chat/chat-context.js';
import { conversationTitle } from '../chat/state.js';
import { notificationBody, shouldNotify } from './decide.js';
import { clearPrefs, readPrefs } from './preferences.js';
import { disablePush, enablePush, pushSupported } from './push-subscription.js';
import { showConversationNotification } from './show.js';

/** Messages older than this when they arrive (a catch-up after a reconnect) are not announced. */
const FRESH_MS = 60_000;

/**
 * Announces new messages with a desktop notification when the user has turned them on (settings), the permission is
 * granted, and the tab is hidden or another conversation is open; never own messages, muted conversations, or (in
 * "mentions only") messages that do not mention the user. Mounted once inside the chat provider.
 */
export function DesktopNotifier() {
  const store = useStore();
  // Push stays on across log-ins in this browser: the subscription is registered again for the new session (the
  // server dropped it with the old one). Only with the permission already granted: never a prompt on load.
  // Signing out (this component leaves with the signed-in pages) forgets the opt-ins and the browser's subscription:
  // the next user of this browser chooses for themselves.
  useEffect(() => {
    const permission = typeof Notification === 'undefined' ? 'denied' : Notification.permission;
    if (readPrefs().push && permission === 'granted' && pushSupported()) void enablePush().catch(() => undefined);
    return () => {
      clearPrefs();
      void disablePush({ tellServer: false }).catch(() => undefined);
    };
  }, []);
  useEffect(
    () =>
      store.client.on('message', (m) => {
        const prefs = readPrefs();
        // A notice (a timer change) is no message: it does not notify, as it does not count as unread.
        if (!prefs.desktop || m.deleted || m.notice || Date.now() - Date.parse(m.sentAt) > FRESH_MS) return;
        const state = store.getState();
        const conversation = state.conversations[m.conversationId];
        const hidden = document.visibilityState !== 'visible';
        if (!shouldNotify({ me: state.me, sender: m.sender, text: m.text, conversation, hidden, openId: state.activeId })) return;
        if (!conversation) return;
        const group = conversation.kind === 'group';
        const title = conversationTitle(conversation, state.me);
        void showConversationNotification(m.conversationId, title, notificationBody(m.text, prefs.hideText, m.sender, group)).catch(
          () => undefined,
        );
      }),
    [store],
  );
  return null;
}
