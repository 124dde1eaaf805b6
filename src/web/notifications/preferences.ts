/**
 * This browser's notification preferences (kept in localStorage: they are about this device, not the account). The
 * per-conversation mute and "mentions only" are the account's, on the server (`client.notifications`).
 */
export interface NotificationPrefs {
  /** Desktop notifications for new messages while the tab is hidden or another conversation is open. */
  desktop: boolean;
  /** Show "New message" instead of the sender's text. */
  hideText: boolean;
  /** Web Push: notified with Parley closed (a generic "New message"; the push carries no content). */
  push: boolean;
}

const KEY = 'parley:notifications';
const DEFAULTS: NotificationPrefs = { desktop: false, hideText: false, push: false };
const listeners = new Set<(prefs: NotificationPrefs) => void>();

export function readPrefs(): NotificationPrefs {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Record<keyof NotificationPrefs, unknown>>;
    return {
      desktop: raw.desktop === true,
      hideText: raw.hideText === true,
      push: raw.push === true,
    };
  } catch {
    return { ...DEFAULTS };
  }
}

export function writePrefs(change: Partial<NotificationPrefs>): NotificationPrefs {
  const next = { ...readPrefs(), ...change };
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // Storage refused (private mode): the setting lasts for this page only.
  }
  for (const listener of listeners) listener(next);
  return next;
}

export function onPrefs(listener: (prefs: NotificationPrefs) => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Forgets them (log-out). */
export function clearPrefs(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
}
