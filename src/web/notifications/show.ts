import { navigate } from '../router.js';
import { conversationPath, type NotificationData } from '../pwa/notification-data.js';
import { notificationTag } from './decide.js';

/** The service worker's registration, if one controls this page (its notifications survive the tab; clicks go to it). */
async function activeRegistration(): Promise<ServiceWorkerRegistration | undefined> {
  if (!('serviceWorker' in navigator) || !navigator.serviceWorker.controller) return undefined;
  return navigator.serviceWorker.getRegistration().catch(() => undefined);
}

/**
 * Shows a notification for a conversation: through the service worker when one controls the page (the same tag as
 * a push for that conversation, so the two never stack), else with the page's Notification. A click focuses the tab
 * and opens the conversation.
 */
export async function showConversationNotification(conversationId: string, title: string, body: string): Promise<void> {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const data: NotificationData = { conversationId };
  const options: NotificationOptions = { body, tag: notificationTag(conversationId), data, icon: '/icon-192.png', badge: '/icon-192.png' };
  const registration = await activeRegistration();
  if (registration) {
    await registration.showNotification(title, options);
    return;
  }
  const notification = new Notification(title, options);
  notification.onclick = () => {
    window.focus();
    navigate(conversationPath(conversationId));
    notification.close();
  };
}
