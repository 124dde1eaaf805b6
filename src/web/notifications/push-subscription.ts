import { client } from '../client.js';

/** The VAPID key (base64url) as the bytes pushManager.subscribe wants. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Whether this browser can receive Web Push (a service worker and the Push API). */
export function pushSupported(): boolean {
  return 'serviceWorker' in navigator && typeof PushManager !== 'undefined';
}

/**
 * Subscribes this browser through the service worker with the server's VAPID key and registers the subscription for
 * this session. Throws when the browser or its push service refuses.
 */
export async function enablePush(): Promise<void> {
  const registration = await navigator.serviceWorker.ready;
  const key = await client.notifications.vapidPublicKey();
  const existing = await registration.pushManager.getSubscription();
  const subscription =
    existing ?? (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) }));
  const json = subscription.toJSON();
  await client.notifications.subscribePush({ endpoint: json.endpoint, keys: json.keys });
}

/**
 * Unsubscribes this browser and tells the server; after a sign-out (`tellServer: false`) only the browser's side, the
 * server having deleted it with the session.
 */
export async function disablePush({ tellServer = true } = {}): Promise<void> {
  if (!pushSupported()) return;
  const registration = await navigator.serviceWorker.getRegistration();
  const subscription = await registration?.pushManager.getSubscription();
  if (!subscription) return;
  const endpoint = subscription.endpoint;
  await subscription.unsubscribe().catch(() => false);
  if (tellServer) await client.notifications.unsubscribePush(endpoint).catch(() => undefined);
}
