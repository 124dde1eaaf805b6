/** What a notification carries for its click: only the conversation's id (never text or a name). */
export interface NotificationData {
  conversationId?: string;
}

const UUID = /^[0-9a-f-]{36}$/i;

/** The page of a conversation, for an id that looks like one (anything else opens the start page). */
export function conversationPath(id: string): string {
  return UUID.test(id) ? `/c/${id.toLowerCase()}` : '/';
}

/** The push payload (decrypted by the browser): `{c, n}` and padding; anything else is treated as no payload. */
export function readPushPayload(text: string | undefined): { conversationId?: string; count: number } {
  try {
    const value = JSON.parse(text ?? '') as { c?: unknown; n?: unknown } | null;
    const conversationId = typeof value?.c === 'string' && UUID.test(value.c) ? value.c.toLowerCase() : undefined;
    const count = typeof value?.n === 'number' && Number.isInteger(value.n) && value.n > 0 ? value.n : 1;
    return conversationId ? { conversationId, count } : { count };
  } catch {
    return { count: 1 };
  }
}

/** The generic text of a push notification: nothing about who wrote or what. */
export function pushNotificationText(count: number): { title: string; body: string } {
  return { title: 'Parley', body: count > 1 ? `${Math.min(count, 999)} new messages` : 'New message' };
}
