import type { EngineMessage } from '../../sdk/index.js';
import { useChat, useStore } from './chat-context.js';

/** What a failed send says: the engine's reason, in the words the pages use for it. */
function failureText(m: EngineMessage): string {
  if (m.errorCode === 'RATE_LIMITED') return 'You are sending too fast. Wait a moment, then retry.';
  if (m.errorCode === 'INTERNAL' || m.errorCode === 'BAD_RESPONSE') return 'The server could not store this message.';
  return m.error ?? 'This message was not sent.';
}

/** Where a message typed here is on its way, in place of its time: sending (waiting, offline), or not sent. */
export function SendStatus({ message: m }: { message: EngineMessage }) {
  const offline = useChat((s) => s.offline === true);
  return <span class="message-status">{m.status === 'pending' ? (offline ? 'Waiting to send' : 'Sending…') : 'Not sent'}</span>;
}

/**
 * Under a message the server refused or never stored: why, and Retry (sent again with the same idempotency key, so
 * it is stored at most once) or Discard.
 */
export function SendFailure({ message: m }: { message: EngineMessage }) {
  const store = useStore();
  const localId = m.localId;
  if (m.status !== 'failed' || !localId) return null;
  return (
    <div class="message-failure" role="alert">
      <span>{failureText(m)}</span>
      <button type="button" class="button button-small button-secondary" onClick={() => store.messages.retry(localId)}>
        Retry
      </button>
      <button type="button" class="button button-small button-secondary" onClick={() => store.messages.discard(localId)}>
        Discard
      </button>
    </div>
  );
}

/** A message typed here whose files are still on their way up: their names and how much is sent. */
export function UploadStatus({ message: m }: { message: EngineMessage }) {
  const uploads = m.uploads;
  if (m.status === 'sent' || !uploads || uploads.length === 0) return null;
  const done = uploads.reduce((n, u) => n + u.done, 0);
  const total = uploads.reduce((n, u) => n + u.total, 0);
  return (
    <div class="message-uploads">
      <p class="message-pending-files">{uploads.map((u) => u.name).join(', ')}</p>
      {m.status === 'pending' && <progress class="upload-progress" max={1} value={total > 0 ? done / total : 0} aria-label="Uploading the files" />}
    </div>
  );
}
