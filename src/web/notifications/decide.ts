import type { ConversationDto, NotifySettingsDto } from '../../sdk/index.js';

/** A conversation's mute is on now (an expired one is off). */
export function isMuted(notify: NotifySettingsDto | undefined, now = Date.now()): boolean {
  const until = notify?.mutedUntil ?? null;
  if (until === null) return false;
  return until === 'forever' || Date.parse(until) > now;
}

/** Whether the text mentions the user (`@name`, any case, not inside a longer name). */
export function mentions(text: string, me: string): boolean {
  const escaped = me.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_.-])@${escaped}(?![A-Za-z0-9_-]|\\.[A-Za-z0-9_-])`, 'i').test(text);
}

export interface NotifyInput {
  me: string;
  sender: string;
  text: string;
  conversation: ConversationDto | undefined;
  /** The tab is hidden (another tab, minimised). */
  hidden: boolean;
  /** The conversation on screen, if any. */
  openId: string | undefined;
  now?: number;
}

/**
 * Whether a new message becomes a desktop notification: never one's own, never for a muted conversation, only
 * mentions in "mentions only", and only when the user is not looking at that conversation already.
 */
export function shouldNotify(input: NotifyInput): boolean {
  const { conversation } = input;
  if (!conversation || input.sender === input.me) return false;
  if (isMuted(conversation.notify, input.now)) return false;
  if (conversation.notify?.mentionsOnly && !mentions(input.text, input.me)) return false;
  return input.hidden || input.openId !== conversation.id;
}

/** The notification's body: the text (shortened), or "New message" when the text is hidden or unreadable. */
export function notificationBody(text: string, hideText: boolean, sender: string, group: boolean): string {
  if (hideText || text.trim() === '') return 'New message';
  const short = text.length > 180 ? `${text.slice(0, 179)}…` : text;
  return group ? `${sender}: ${short}` : short;
}

/** One tag per conversation: a newer notification replaces the older one (the page's and the push's alike). */
export const notificationTag = (conversationId: string): string => `parley:${conversationId}`;
