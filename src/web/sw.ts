// The service worker (built by vite-plugin-pwa, injectManifest): precaches the app shell so the app opens with no
// network, serves index.html for every page address offline, takes over when the page says so (the update prompt),
// shows a generic "New message" for a Web Push (whose payload holds only a conversation id and a count), and opens
// the conversation when a notification is clicked.
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { conversationPath, pushNotificationText, readPushPayload, type NotificationData } from './pwa/notification-data.js';

/** The parts of ServiceWorkerGlobalScope used here (the DOM lib the project compiles with does not declare them). */
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface NotificationClickEvent extends ExtendableEvent {
  notification: Notification;
}
interface PushEvent extends ExtendableEvent {
  data: { text(): string } | null;
}
interface WindowClient {
  url: string;
  visibilityState: DocumentVisibilityState;
  focused: boolean;
  focus(): Promise<WindowClient>;
  postMessage(message: unknown): void;
}
interface ServiceWorkerScope {
  registration: ServiceWorkerRegistration;
  clients: {
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClient[]>;
    openWindow(url: string): Promise<WindowClient | null>;
    claim(): Promise<void>;
  };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: NotificationClickEvent) => void): void;
  addEventListener(type: 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'push', listener: (event: PushEvent) => void): void;
}

const sw = self as unknown as ServiceWorkerScope;

// The build replaces this with the list of the shell's files and their revisions.
precacheAndRoute((self as unknown as { __WB_MANIFEST: (string | PrecacheEntry)[] }).__WB_MANIFEST);
cleanupOutdatedCaches();

// Every page address is the app (the server answers index.html for them too); the API and the socket never are.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//, /^\/socket\.io/] }));

sw.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void sw.skipWaiting();
});

sw.addEventListener('activate', (event) => event.waitUntil(sw.clients.claim()));

/**
 * A Web Push: the payload (decrypted by the browser, RFC 8291) is only `{c, n}`: which conversation and how many new
 * messages. The notification says "New message" and nothing else. None when a Parley tab is in front (the page shows
 * its own), and a notification the open page already showed for that conversation (same tag) stays as it is.
 */
sw.addEventListener('push', (event) => {
  let text: string | undefined;
  try {
    text = event.data?.text();
  } catch {
    text = undefined;
  }
  const { conversationId, count } = readPushPayload(text);
  event.waitUntil(
    (async () => {
      const tabs = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
      if (tabs.some((t) => t.visibilityState === 'visible' && t.focused)) return;
      const tag = conversationId ? `parley:${conversationId}` : 'parley';
      if ((await sw.registration.getNotifications({ tag })).length > 0) return;
      const { title, body } = pushNotificationText(count);
      const data: NotificationData = conversationId ? { conversationId } : {};
      await sw.registration.showNotification(title, { body, tag, data, icon: '/icon-192.png', badge: '/icon-192.png' });
    })(),
  );
});

/** A click on a notification focuses a Parley tab (opening one if none) and opens its conversation. */
sw.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data as NotificationData | null;
  const path = data?.conversationId ? conversationPath(data.conversationId) : '/';
  event.waitUntil(
    (async () => {
      const tabs = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const tab = tabs[0];
      if (tab) {
        tab.postMessage({ type: 'open-conversation', path });
        await tab.focus();
        return;
      }
      await sw.clients.openWindow(path);
    })(),
  );
});
