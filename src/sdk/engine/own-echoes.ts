/**
 * The server's echo of a message this client sent: the send's answer already holds the message as it reads, so the
 * echo is not decoded a second time (in the browser: no second call into the worker per send). Only when the
 * end-to-end layer could not count the entry as read (entries before it still on their way) is it decoded.
 */
import type { MessageDto } from '../../protocol/messages.js';
import type { Message } from '../message-stream.js';
import type { Sent } from './codec.js';

/** Answers kept for echoes still to come (older ones are dropped: their echo, if it comes, is decoded). */
const KEPT = 256;

export class OwnEchoes {
  private readonly answers = new Map<string, { sent: Promise<Sent | undefined>; shown: boolean }>();

  /** A send under way: `shown` is false for edits and reactions (their entry is no message of its own). */
  expect(localId: string, sent: Promise<Sent>, shown: boolean): void {
    this.answers.set(localId, { sent: sent.catch(() => undefined), shown });
    for (const key of this.answers.keys()) {
      if (this.answers.size <= KEPT) break;
      this.answers.delete(key);
    }
  }

  /** The echo `dto` of the send `localId` (if known) as the send's answer reads it; otherwise `decode` reads it. */
  async decode(dto: MessageDto, localId: string | undefined, decode: () => Promise<Message | undefined>): Promise<Message | undefined> {
    const known = localId === undefined ? undefined : this.answers.get(localId);
    if (!known || localId === undefined) return decode();
    this.answers.delete(localId);
    const sent = await known.sent;
    if (!sent?.positioned || sent.dto.seq !== dto.seq) return decode();
    return known.shown ? sent.message : undefined;
  }

  clear(): void {
    this.answers.clear();
  }
}
