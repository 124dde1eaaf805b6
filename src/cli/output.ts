/**
 * What the commands print: human lines with colours (picocolors: off when NO_COLOR is set, with --no-color, or when
 * stdout is not a terminal), or JSON with --json. Everything a user wrote is printed as text with its control
 * characters made visible, so a message cannot move the cursor, recolour or clear the terminal.
 */
import pc from 'picocolors';
import type { ConversationDto, Message } from '../sdk/index.js';

export const colours = pc;

/** Control characters (C0 except tab, DEL, C1) shown as U+FFFD: no escape sequence from the network reaches the TTY. */
export function safe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => (c === '\n' ? '\n  ' : '\uFFFD'));
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function line(text = ''): void {
  process.stdout.write(text + '\n');
}

export function time(iso: string): string {
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  const hm = d.toTimeString().slice(0, 5);
  return today ? hm : `${d.toISOString().slice(0, 10)} ${hm}`;
}

/** The name of a conversation as the user sees it: a group's name, or the other member of a direct one. */
export function conversationName(c: ConversationDto, me: string | undefined): string {
  if (c.kind === 'group') return `#${c.name ?? c.id}`;
  const other = c.members.find((m) => m.username !== me);
  return `@${other?.username ?? me ?? '?'}`;
}

/** One message as a line: `12:04 alice: hello`, an undecryptable one said to be so, never shown as text. */
export function formatMessage(m: Message, me: string | undefined, where?: string): string {
  const who = m.sender === me ? pc.green(m.sender) : pc.cyan(m.sender);
  const prefix = `${pc.dim(time(m.sentAt))} ${where ? pc.magenta(where) + ' ' : ''}${who}:`;
  if (m.deleted) return `${prefix} ${pc.dim('(deleted)')}`;
  if (m.decryptionError) return `${prefix} ${pc.yellow(`(cannot be decrypted on this device: ${m.decryptionError})`)}`;
  return `${prefix} ${safe(m.text)}${m.editedAt ? pc.dim(' (edited)') : ''}`;
}

/** A message for scripts (--json): the fields a reader needs, nothing of the device's state. */
export function messageJson(m: Message) {
  return {
    id: m.id,
    conversationId: m.conversationId,
    seq: m.seq,
    sender: m.sender,
    text: m.text,
    sentAt: m.sentAt,
    editedAt: m.editedAt,
    deleted: m.deleted,
    encrypted: m.encrypted,
    decryptionError: m.decryptionError,
    attachments: m.attachments.map((a) => ({ name: a.name, type: a.type, size: a.size })),
    replyTo: m.replyTo,
    mentions: m.mentions,
    reactions: m.reactions.map((r) => ({ emoji: r.emoji, users: r.users })),
  };
}
