import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { CONTENT_LIMITS } from '../../sdk/index.js';
import { useChat, useStore } from './chat-context.js';
import { clearReply, ReplyBanner, useComposerFiles, useReplyTarget } from '../rich/composer-extras.js';
import { ComposerEmoji } from '../rich/composer-emoji.js';
import { useMentionAutocomplete } from '../rich/mention-autocomplete.js';

const MAX_CHARS = CONTENT_LIMITS.textChars;

/** The message field: Enter sends, Shift+Enter starts a new line; disabled while the connection is down. */
export function Composer({ conversationId, title, autoFocus }: { conversationId: string; title: string; autoFocus: boolean }) {
  const store = useStore();
  const online = useChat((s) => s.connected);
  // Offline (the page shows what this device saved): messages wait in the sealed outbox until the server is back.
  const offline = useChat((s) => s.offline === true);
  const connected = online || offline;
  const me = useChat((s) => s.me);
  const members = useChat((s) => s.conversations[conversationId]?.members);
  const drafts = store.drafts;
  const [text, setText] = useState(() => drafts.get(conversationId) ?? '');
  const [error, setError] = useState<string>();
  const field = useRef<HTMLTextAreaElement>(null);
  const files = useComposerFiles(setError, offline);
  const reply = useReplyTarget(conversationId);
  const others = useMemo(() => (members ?? []).map((m) => m.username).filter((name) => name !== me), [members, me]);
  const mentions = useMentionAutocomplete({ id: `composer-${conversationId}`, field, members: others, onText: (value) => change(value) });

  useEffect(() => {
    if (autoFocus) field.current?.focus();
  }, [autoFocus]);
  // Disabling the field while disconnected drops its focus: give it back, unless the user has moved on.
  useEffect(() => {
    if (autoFocus && connected && document.activeElement === document.body) field.current?.focus();
  }, [autoFocus, connected]);

  const change = (value: string) => {
    setText(value);
    setError(undefined);
    if (value) drafts.set(conversationId, value);
    else drafts.delete(conversationId);
    if (value.trim()) store.messages.typing(conversationId);
  };

  const send = () => {
    const body = text.trim();
    if ((!body && files.count === 0) || files.preparing || !connected) return;
    if (offline && (files.count > 0 || reply)) {
      setError('Files and replies need the network: send them once you are back online.');
      return;
    }
    if (body.length > MAX_CHARS) {
      setError(`This message is too long: a message holds at most ${MAX_CHARS.toLocaleString('en')} characters.`);
      return;
    }
    store.messages.send(conversationId, body, { ...(files.count > 0 ? { attachments: files.take() } : {}), ...(reply ? { replyTo: reply.id } : {}) });
    clearReply(conversationId);
    change('');
    field.current?.focus();
  };

  const hintId = `composer-hint-${conversationId}`;
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
      {...files.handlers}
    >
      <ReplyBanner conversationId={conversationId} target={reply} />
      {files.list}
      {files.button}
      <label for="composer-input" class="visually-hidden">
        Message {title}
      </label>
      <div class="composer-field">
        {mentions.list}
        <textarea
          id="composer-input"
          ref={field}
          class="composer-input"
          rows={1}
          value={text}
          placeholder={connected ? 'Write a message…' : 'Connecting…'}
          disabled={!connected}
          aria-describedby={hintId}
          {...mentions.inputProps}
          onInput={(e) => {
            change(e.currentTarget.value);
            mentions.update();
          }}
          onClick={mentions.update}
          onKeyUp={(e) => {
            if (e.key.startsWith('Arrow') || e.key === 'Home' || e.key === 'End') {
              if (!mentions.open) mentions.update();
            }
          }}
          onBlur={mentions.close}
          onKeyDown={(e) => {
            if (mentions.onKeyDown(e)) return;
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              send();
            }
          }}
        />
        <ComposerEmoji field={field} onText={(value) => change(value)} />
      </div>
      <button type="submit" class="button button-primary composer-send" disabled={!connected || files.preparing || (text.trim() === '' && files.count === 0)}>
        Send
      </button>
      <p id={hintId} class={error ? 'composer-hint is-error' : offline ? 'composer-hint is-offline' : 'composer-hint'} role={error ? 'alert' : undefined}>
        {error ??
          (offline
            ? 'Offline: messages wait on this device and go out once you are back online.'
            : connected
              ? 'Enter to send, Shift+Enter for a new line.'
              : 'Not connected: reconnecting to the server…')}
      </p>
    </form>
  );
}
