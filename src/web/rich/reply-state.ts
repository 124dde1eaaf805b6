/** Which message the composer of each conversation answers (set by a message's Reply button, read by the composer). */
import { useEffect, useState } from 'preact/hooks';
import type { Message } from '../../sdk/index.js';
import { markdownToPlain } from './markdown.js';

export interface ReplyTarget {
  id: string;
  seq: number;
  sender: string;
  /** The first line shown in the composer's banner. */
  text: string;
}

const targets = new Map<string, ReplyTarget>();
const listeners = new Set<() => void>();

export function replyTo(message: Message): void {
  const line = message.text.split('\n').find((l) => l.trim() !== '') ?? message.attachments[0]?.name ?? '';
  targets.set(message.conversationId, { id: message.id, seq: message.seq, sender: message.sender, text: markdownToPlain(line).slice(0, 140) });
  for (const l of [...listeners]) l();
  document.getElementById('composer-input')?.focus();
}

export function clearReply(conversationId: string): void {
  if (!targets.delete(conversationId)) return;
  for (const l of [...listeners]) l();
}

export function useReplyTarget(conversationId: string): ReplyTarget | undefined {
  const [, rerender] = useState(0);
  useEffect(() => {
    const l = () => rerender((n) => n + 1);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return targets.get(conversationId);
}
