import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { EngineMessage, Message } from '../../sdk/index.js';
import { ErrorAlert } from '../components/messages.js';
import { useStore } from './chat-context.js';
import { SendFailure, SendStatus, UploadStatus } from './send-state.js';
import { formatFull, formatTime } from './time.js';
import { AttachmentList } from '../rich/attachment-list.js';
import { MessageExtras } from '../rich/message-extras.js';
import { ReactionBar } from '../rich/reaction-bar.js';
import { ReplyQuote } from '../rich/reply-quote.js';
import { RichText } from '../rich/rich-text.js';

interface Props {
  /** With its send status: pending and failed ones (sent from here) have no seq yet. */
  message: EngineMessage;
  own: boolean;
  /** Say who sent it to assistive technology (the group's first message has the visible name instead). */
  announceSender: boolean;
}

/** One message bubble; own messages can be edited and deleted from a small disclosure of actions. */
export function MessageItem({ message: m, own, announceSender }: Props) {
  const [mode, setMode] = useState<'view' | 'actions' | 'edit' | 'confirm-delete'>('view');
  const toggle = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);
  // Back from editing or confirming: the focus returns to the actions button (rendered again by then).
  useEffect(() => {
    if (mode === 'view' && refocus.current) toggle.current?.focus();
    refocus.current = false;
  }, [mode]);
  const close = () => {
    refocus.current = true;
    setMode('view');
  };
  const sent = m.status === 'sent';
  const canChange = sent && own && !m.deleted && m.decryptionError === null;

  return (
    <div class={`message${mode !== 'view' ? ' is-active' : ''}${sent ? '' : ` is-${m.status}`}`} data-seq={sent ? m.seq : undefined}>
      {announceSender && <span class="visually-hidden">{own ? 'You' : m.sender}: </span>}
      {mode === 'edit' ? (
        <EditForm message={m} onDone={close} />
      ) : (
        <div class="bubble">
          <ReplyQuote message={m} />
          <AttachmentList message={m} />
          <MessageBody message={m} />
          <span class="message-meta">
            {sent ? (
              <time dateTime={m.sentAt} title={formatFull(m.sentAt)}>
                {formatTime(m.sentAt)}
              </time>
            ) : (
              <SendStatus message={m} />
            )}
            {m.editedAt && !m.deleted && <span class="message-edited"> · edited</span>}
          </span>
        </div>
      )}
      {sent && <ReactionBar message={m} />}
      {sent && mode === 'view' && <MessageExtras message={m} />}
      <UploadStatus message={m} />
      <SendFailure message={m} />
      {canChange && mode !== 'edit' && (
        <div
          class="message-tools"
          onKeyDown={(e) => {
            if (e.key === 'Escape' && mode !== 'view') {
              e.stopPropagation();
              close();
            }
          }}
        >
          <button
            ref={toggle}
            type="button"
            class="icon-button message-more"
            aria-expanded={mode !== 'view'}
            onClick={() => setMode(mode === 'view' ? 'actions' : 'view')}
          >
            <span aria-hidden="true">⋯</span>
            <span class="visually-hidden">Actions for your message sent at {formatTime(m.sentAt)}</span>
          </button>
          {mode === 'actions' && (
            <span class="message-actions">
              <button type="button" class="button button-small button-secondary" onClick={() => setMode('edit')}>
                Edit
              </button>
              <button type="button" class="button button-small button-danger" onClick={() => setMode('confirm-delete')}>
                Delete
              </button>
            </span>
          )}
          {mode === 'confirm-delete' && <DeleteConfirm message={m} onDone={close} />}
        </div>
      )}
    </div>
  );
}

function DeleteConfirm({ message, onDone }: { message: Message; onDone: () => void }) {
  const store = useStore();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => yes.current?.focus(), []);
  const remove = async () => {
    setBusy(true);
    try {
      await store.messages.remove(message.id);
      onDone();
    } catch (err) {
      setError(store.failure(err));
      setBusy(false);
    }
  };
  return (
    <span class="message-actions" role="group" aria-label="Delete this message?">
      <span class="confirm-text">Delete for everyone?</span>
      <button ref={yes} type="button" class="button button-small button-danger" disabled={busy} onClick={() => void remove()}>
        Delete
      </button>
      <button type="button" class="button button-small button-secondary" onClick={onDone}>
        Cancel
      </button>
      <ErrorAlert message={error} />
    </span>
  );
}

function EditForm({ message, onDone }: { message: Message; onDone: () => void }) {
  const store = useStore();
  const [text, setText] = useState(message.text);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);
  const id = `edit-${message.id}`;
  // Before the next paint, so that nothing typed meanwhile lands before the caret is placed.
  useLayoutEffect(() => {
    const el = field.current;
    el?.focus();
    el?.setSelectionRange(el.value.length, el.value.length);
  }, []);

  const save = async () => {
    if (text.trim() === '' || text === message.text) return onDone();
    setBusy(true);
    try {
      await store.messages.edit(message.id, text);
      onDone();
    } catch (err) {
      setError(store.failure(err));
      setBusy(false);
    }
  };

  return (
    <form
      class="edit-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label for={id} class="visually-hidden">
        Edit message
      </label>
      <textarea
        id={id}
        ref={field}
        class="edit-field"
        value={text}
        disabled={busy}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            onDone();
          } else if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            void save();
          }
        }}
      />
      <span class="edit-actions">
        <button type="submit" class="button button-small button-primary" disabled={busy}>
          Save
        </button>
        <button type="button" class="button button-small button-secondary" onClick={onDone}>
          Cancel
        </button>
      </span>
      <ErrorAlert message={error} />
    </form>
  );
}

/** The text; or why there is none: deleted, or a message this device could not decrypt (never shown as text). */
function MessageBody({ message: m }: { message: Message }) {
  const me = useStore().getState().me;
  if (m.deleted) return <p class="message-text is-deleted">Message deleted</p>;
  if (m.decryptionError !== null) {
    return (
      <p class="message-text is-undecryptable" data-testid="undecryptable">
        <strong>Could not be decrypted.</strong> <span class="message-reason">{m.decryptionError}</span>
      </p>
    );
  }
  if (m.encrypted) return <RichText message={m} me={me} />;
  return (
    <p class="message-text">
      {m.text}
      {!m.encrypted && <span class="message-plain" title="Sent without end-to-end encryption: the server could read it."> · not encrypted</span>}
    </p>
  );
}
