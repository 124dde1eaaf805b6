import type { ConversationDto, Message } from '../../sdk/index.js';
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
  messages: Message[];
}

export type Row = DayRow | GroupRow;

/** The log's rows: a separator at each new day, then groups of consecutive messages from one sender. */
export function buildRows(messages: readonly Message[], me: string, now = new Date()): Row[] {
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
    if (!group || group.sender !== m.sender || at - previous > GROUP_GAP_MS) {
      group = { kind: 'group', key: m.id, sender: m.sender, own: m.sender === me, messages: [] };
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
 * The read receipt under the newest own message: the other members whose read position reached it.
 * Returns the message and the names, or undefined when nobody has read it yet.
 */
export function seenReceipt(
  messages: readonly Message[],
  conversation: ConversationDto,
  me: string,
  reads: Readonly<Record<string, number>> | undefined,
): { messageId: string; names: string[] } | undefined {
  let own: Message | undefined;
  for (let i = messages.length - 1; i >= 0 && !own; i--) {
    const m = messages[i];
    if (m && m.sender === me && !m.deleted) own = m;
  }
  if (!own || !reads) return undefined;
  const seq = own.seq;
  const names = conversation.members
    .map((member) => member.username)
    .filter((u) => u !== me && (reads[u] ?? 0) >= seq)
    .sort();
  return names.length > 0 ? { messageId: own.id, names } : undefined;
}
