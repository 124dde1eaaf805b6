import type { ConversationDto, EngineMessage } from '../../sdk/index.js';
import { dayKey, formatDay } from './time.js';

/** Consecutive messages from one sender within this gap share a bubble group. */
const GROUP_GAP_MS = 5 * 60_000;

export interface DayRow {
  kind: 'day';
  key: string;
  label: string;
}

export interface GroupRow {
  kind: 'group';
  key: string;
  sender: string;
  own: boolean;
  messages: EngineMessage[];
}

/** A message's key in the log: the local id of one sent from here (the same from local echo to stored), else its id. */
export const messageKey = (m: EngineMessage): string => m.localId ?? m.id;

/** A notice the server wrote in the log (a timer change), a line of its own. */
export interface NoticeRow {
  kind: 'notice';
  key: string;
  sender: string;
  seconds: number | null;
}

export type Row = DayRow | GroupRow | NoticeRow;

/** The log's rows: a separator at each new day, then groups of consecutive messages from one sender. */
export function buildRows(messages: readonly EngineMessage[], me: string, now = new Date()): Row[] {
  const rows: Row[] = [];
  let day = '';
  let group: GroupRow | undefined;
  let previous = 0;
  for (const m of messages) {
    const key = dayKey(m.sentAt);
    const at = Date.parse(m.sentAt);
    if (key !== day) {
      rows.push({ kind: 'day', key: `day-${key}`, label: formatDay(m.sentAt, now) });
      day = key;
      group = undefined;
    }
    if (m.notice) {
      rows.push({ kind: 'notice', key: messageKey(m), sender: m.sender, seconds: m.notice.seconds });
      group = undefined;
      continue;
    }
    if (!group || group.sender !== m.sender || at - previous > GROUP_GAP_MS) {
      group = { kind: 'group', key: messageKey(m), sender: m.sender, own: m.sender === me, messages: [] };
      rows.push(group);
    }
    group.messages.push(m);
    previous = at;
  }
  return rows;
}

/** "bob", "bob and carol", "bob, carol and dave" */
export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * The read receipt under the newest own stored message: the other members whose read position reached it (as their
 * receipts said, or as their own later messages show). Returns the message and the names, or undefined when nobody has
 * read it yet.
 */
export function seenReceipt(
  messages: readonly EngineMessage[],
  conversation: ConversationDto,
  me: string,
  reads: Readonly<Record<string, number>> | undefined,
): { messageId: string; names: string[] } | undefined {
  let own: EngineMessage | undefined;
  const read: Record<string, number> = { ...reads };
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (!m || m.status !== 'sent') continue;
    if (m.sender !== me) read[m.sender] = Math.max(read[m.sender] ?? 0, m.seq);
    else if (!own && !m.deleted && !m.notice) own = m;
  }
  if (!own) return undefined;
  const seq = own.seq;
  const names = conversation.members
    .map((member) => member.username)
    .filter((u) => u !== me && (read[u] ?? 0) >= seq)
    .sort();
  return names.length > 0 ? { messageId: own.id, names } : undefined;
}
