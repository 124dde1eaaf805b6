/**
 * What changed in place while the connection was down. A delete (and, without end-to-end encryption, an edit) is
 * not a new log entry: it reaches a connected client as a `message:updated` event only, which `messages:after`
 * does not replay. After a reconnect the engine asks the server for the span each open window shows and takes the
 * entries whose deletion (or in-place edit) it has not applied.
 */
import type { MessageDto } from '../../protocol/messages.js';
import type { Transport } from './transport.js';
import type { MessageWindow } from './types.js';

/** The server's copies of the window's stored messages that were deleted (or, `inPlaceEdits`, edited) since shown. */
export async function missedUpdates(
  transport: Transport,
  conversationId: string,
  window: MessageWindow,
  inPlaceEdits: boolean,
): Promise<MessageDto[]> {
  const shown = new Map(window.messages.filter((m) => m.status === 'sent').map((m) => [m.id, m]));
  const seqs = [...shown.values()].map((m) => m.seq);
  if (seqs.length === 0) return [];
  const oldest = Math.min(...seqs);
  const missed: MessageDto[] = [];
  for (let before = Math.max(...seqs) + 1; before > oldest; ) {
    const { messages, hasMore } = await transport.request('messages:history', { conversationId, before, limit: 100 });
    for (const dto of messages) {
      const m = shown.get(dto.id);
      if (m && ((dto.deleted && !m.deleted) || (inPlaceEdits && !dto.deleted && dto.editedAt !== m.editedAt))) missed.push(dto);
    }
    const first = messages[0]?.seq;
    if (!hasMore || first === undefined) break;
    before = first;
  }
  return missed;
}
