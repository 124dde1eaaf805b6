import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConversationDto, MuteChoice } from '../../sdk/index.js';
import { useStore } from '../chat/chat-context.js';
import { isMuted } from './decide.js';

const CHOICES: { choice: MuteChoice; label: string }[] = [
  { choice: '1h', label: 'Mute for 1 hour' },
  { choice: '8h', label: 'Mute for 8 hours' },
  { choice: 'forever', label: 'Mute until I turn it back on' },
];

/** "Muted until 21:30", "Muted", "Mentions only", or nothing. */
export function muteSummary(conversation: ConversationDto, now = Date.now()): string | undefined {
  const notify = conversation.notify;
  if (isMuted(notify, now)) {
    if (notify?.mutedUntil === 'forever') return 'Muted';
    const until = new Date(notify?.mutedUntil ?? now);
    return `Muted until ${until.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`;
  }
  return notify?.mentionsOnly ? 'Mentions only' : undefined;
}

/**
 * The conversation header's notification button: mute for 1 h, 8 h or until turned back on, unmute, and "mentions
 * only". The settings are the user's, kept by the server and applied on all their devices.
 */
export function MuteMenu({ conversation }: { conversation: ConversationDto }) {
  const store = useStore();
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string>();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const muted = isMuted(conversation.notify);
  const mentionsOnly = conversation.notify?.mentionsOnly ?? false;
  const summary = muteSummary(conversation);
  const visible = muted ? 'Muted' : mentionsOnly ? 'Mentions' : 'Mute';

  useEffect(() => {
    if (!open) return;
    const outside = (e: Event) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const escape = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('pointerdown', outside);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('keydown', escape);
    };
  }, [open]);

  const apply = async (change: { mute?: MuteChoice; mentionsOnly?: boolean }) => {
    setProblem(undefined);
    try {
      const updated =
        change.mute !== undefined
          ? await store.client.notifications.mute(conversation.id, change.mute)
          : await store.client.notifications.mentionsOnly(conversation.id, change.mentionsOnly ?? false);
      store.upsertConversation(updated);
      setOpen(false);
      button.current?.focus();
    } catch (err) {
      setProblem(store.failure(err));
    }
  };

  return (
    <div class="mute-menu" ref={root}>
      <button
        ref={button}
        type="button"
        class="button button-small button-secondary"
        aria-expanded={open}
        aria-controls="mute-menu-panel"
        // The visible word starts the accessible name (WCAG 2.5.3, label in name); the summary follows it.
        aria-label={`${visible} — notifications${summary ? `: ${summary}` : ''}`}
        onClick={() => setOpen(!open)}
      >
        {visible}
      </button>
      {open && (
        <div id="mute-menu-panel" class="mute-menu-panel" role="group" aria-label="Notifications for this conversation">
          {CHOICES.map(({ choice, label }) => (
            <button key={choice} type="button" onClick={() => void apply({ mute: choice })}>
              {label}
            </button>
          ))}
          {muted && (
            <button type="button" onClick={() => void apply({ mute: 'off' })}>
              Unmute
            </button>
          )}
          <hr />
          <button type="button" aria-pressed={mentionsOnly} onClick={() => void apply({ mentionsOnly: !mentionsOnly })}>
            Only when I am mentioned
          </button>
          {summary && <p class="mute-state">{summary}. Unread messages still count.</p>}
          {problem && (
            <p class="hint hint-error" role="alert">
              {problem}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
