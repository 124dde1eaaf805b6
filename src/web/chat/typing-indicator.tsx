import { useChat } from './chat-context.js';

/** "alice is typing…", "alice and bob are typing…", "3 people are typing…" */
export function typingText(names: readonly string[]): string {
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

/** Who is typing in a conversation; a polite status region, so it is announced without interrupting. */
export function TypingIndicator({ conversationId }: { conversationId: string }) {
  const typing = useChat((s) => s.typing[conversationId]);
  const names = typing ? Object.keys(typing).sort() : [];
  return (
    <p class="typing-indicator" role="status" aria-live="polite">
      {names.length > 0 ? typingText(names) : ''}
    </p>
  );
}
