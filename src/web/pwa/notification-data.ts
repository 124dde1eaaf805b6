/** What a notification carries for its click: only the conversation's id (never text or a name). */
export interface NotificationData {
  conversationId?: string;
}

const UUID = /^[0-9a-f-]{36}$/i;

/** The page of a conversation, for an id that looks like one (anything else opens the start page). */
export function conversationPath(id: string): string {
  return UUID.test(id) ? `/c/${id.toLowerCase()}` : '/';
}
