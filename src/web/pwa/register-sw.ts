import { Workbox } from 'workbox-window';
import { navigate } from '../router.js';

type Listener = (waiting: boolean) => void;

let workbox: Workbox | undefined;
let updateWaiting = false;
const listeners = new Set<Listener>();

function setWaiting(value: boolean): void {
  updateWaiting = value;
  for (const listener of listeners) listener(value);
}

/**
 * Registers the service worker (after the first render: it is not part of the first load). A new version found
 * while a page runs waits until the user accepts the update prompt (`applyUpdate`): then it takes over and the page
 * reloads once. A message from the worker asking to open a conversation (a notification click) navigates there.
 */
export function registerServiceWorker(): void {
  if (workbox || !('serviceWorker' in navigator)) return;
  workbox = new Workbox('/sw.js', { scope: '/' });
  workbox.addEventListener('waiting', () => setWaiting(true));
  workbox.addEventListener('controlling', (event) => {
    if (event.isUpdate) location.reload();
  });
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent<{ type?: string; path?: string }>) => {
    if (event.data.type === 'open-conversation' && typeof event.data.path === 'string' && event.data.path.startsWith('/')) {
      navigate(event.data.path);
    }
  });
  workbox.register().catch(() => undefined); // no service worker (private mode, an old browser): the app still works
}

/** Tells the waiting new version to take over; the page reloads when it has. */
export function applyUpdate(): void {
  workbox?.messageSkipWaiting();
}

export function onUpdateWaiting(listener: Listener): () => void {
  listeners.add(listener);
  listener(updateWaiting);
  return () => {
    listeners.delete(listener);
  };
}
