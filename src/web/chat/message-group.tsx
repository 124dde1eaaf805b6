import { memo } from 'preact/compat';
import { Avatar } from './bits.js';
import { useStore } from './chat-context.js';
import { MessageItem } from './message-item.js';
import type { GroupRow } from './message-rows.js';
import type { PendingMessage } from './state.js';

interface GroupProps {
  row: GroupRow;
  /** "Seen by bob", under the group's last message, when this group holds the newest own message others read. */
  seen: string | undefined;
}

function Group({ row, seen }: GroupProps) {
  return (
    <div class={`message-group ${row.own ? 'is-own' : 'is-other'}`}>
      {!row.own && <Avatar name={row.sender} size="small" />}
      <div class="message-stack">
        {row.own ? <span class="visually-hidden">You:</span> : <p class="message-sender">{row.sender}</p>}
        {row.messages.map((m, i) => (
          <MessageItem key={m.id} message={m} own={row.own} announceSender={i > 0} />
        ))}
        {seen && <p class="seen-by">{seen}</p>}
      </div>
    </div>
  );
}

/** Groups re-render only when their messages change: the log stays fast with thousands of messages. */
export const MessageGroup = memo(
  Group,
  (a, b) =>
    a.seen === b.seen &&
    a.row.sender === b.row.sender &&
    a.row.own === b.row.own &&
    a.row.messages.length === b.row.messages.length &&
    a.row.messages.every((m, i) => m === b.row.messages[i]),
);

/** Messages typed here that the server has not acknowledged yet, or refused. */
export function PendingGroup({ conversationId, pending }: { conversationId: string; pending: readonly PendingMessage[] }) {
  const store = useStore();
  if (pending.length === 0) return null;
  return (
    <div class="message-group is-own is-pending">
      <div class="message-stack">
        <span class="visually-hidden">You:</span>
        {pending.map((p) => (
          <div key={p.key} class={`message${p.status === 'failed' ? ' is-failed' : ''}`}>
            <div class="bubble">
              {p.text !== '' && <p class="message-text">{p.text}</p>}
              {p.attachments && p.attachments.length > 0 && (
                <p class="message-pending-files">{p.attachments.map((a) => a.name).join(', ')}</p>
              )}
              {p.attachments && p.attachments.length > 0 && p.status === 'sending' && (
                <progress class="upload-progress" max={1} value={p.progress ?? 0} aria-label="Uploading the files" />
              )}
              <span class="message-meta">{p.status === 'sending' ? 'sending…' : 'Not sent'}</span>
            </div>
            {p.status === 'failed' && (
              <div class="message-failure" role="alert">
                <span>{p.error}</span>
                <button type="button" class="button button-small button-secondary" onClick={() => store.messages.retry(conversationId, p.key)}>
                  Retry
                </button>
                <button type="button" class="button button-small button-secondary" onClick={() => store.messages.discard(conversationId, p.key)}>
                  Discard
                </button>
              </div>
            )}
          </div>
        ))}
      </div>
    </div>
  );
}
