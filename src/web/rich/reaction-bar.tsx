import { useState } from 'preact/hooks';
import type { Message } from '../../sdk/index.js';
import { useStore } from '../chat/chat-context.js';

/** The emoji offered in a message's quick reactions (any emoji can arrive from others). */
export const QUICK_EMOJI = ['👍', '❤️', '😂', '😮', '😢', '🎉'] as const;

const who = (users: readonly string[], me: string) => users.map((u) => (u === me ? 'you' : u)).join(', ');

export function useReact(message: Message) {
  const store = useStore();
  const me = store.getState().me;
  const [error, setError] = useState<string>();
  const toggle = async (emoji: string) => {
    const mine = message.reactions.find((r) => r.emoji === emoji)?.users.includes(me) ?? false;
    setError(undefined);
    try {
      // The engine applies the stored reaction to its view of the message (the page renders that state).
      await (mine ? store.client.messages.unreact(message.id, emoji) : store.client.messages.react(message.id, emoji));
    } catch (err) {
      setError(store.failure(err));
    }
  };
  return { toggle, error, me };
}

/** Counts per emoji, who reacted on hover and focus; a click toggles your own. */
export function ReactionBar({ message }: { message: Message }) {
  const { toggle, error, me } = useReact(message);
  if (message.reactions.length === 0 || message.deleted) return null;
  return (
    <div class="reactions" role="group" aria-label="Reactions">
      {message.reactions.map((r) => {
        const mine = r.users.includes(me);
        const label = `${r.emoji} ${r.users.length}: ${who(r.users, me)}`;
        return (
          <button
            key={r.emoji}
            type="button"
            class={`reaction${mine ? ' is-mine' : ''}`}
            aria-pressed={mine}
            title={label}
            aria-label={`${label}. ${mine ? 'Remove your reaction' : 'React with it too'}`}
            onClick={() => void toggle(r.emoji)}
          >
            <span class="reaction-emoji">{r.emoji}</span>
            <span class="reaction-count">{r.users.length}</span>
          </button>
        );
      })}
      {error && <span class="reaction-error" role="alert">{error}</span>}
    </div>
  );
}
