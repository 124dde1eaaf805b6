import { noticeText } from './disappearing.js';
import { useEffect, useMemo } from 'preact/hooks';
import type { ConversationDto, EngineMessage, MessageWindow } from '../../sdk/index.js';
import { useLogScroll } from '../hooks/use-log-scroll.js';
import { useChat, useStore } from './chat-context.js';
import { MessageGroup } from './message-group.js';
import { buildRows, listNames, seenReceipt } from './message-rows.js';

/** The sequence numbers of the oldest and newest stored messages, and how many are on their way (sent from here). */
function span(messages: readonly EngineMessage[] | undefined): { first: number; last: number; unsent: number } {
  const stored = messages?.filter((m) => m.status === 'sent') ?? [];
  return { first: stored[0]?.seq ?? 0, last: stored[stored.length - 1]?.seq ?? 0, unsent: (messages?.length ?? 0) - stored.length };
}

/**
 * The conversation's messages: a scrollable role="log" that stays at the bottom as messages arrive, keeps its place
 * when older messages load above, and loads them when scrolled near the top.
 */
export function MessageLog({ conversation, title }: { conversation: ConversationDto; title: string }) {
  const store = useStore();
  const id = conversation.id;
  const me = useChat((s) => s.me);
  // The engine's window of this conversation: stored messages in order, then those sent from here not yet stored.
  const timeline = useChat((s) => s.engine.windows[id]);
  const reads = useChat((s) => s.reads[id]);
  const messages = timeline?.messages;
  const rows = useMemo(() => (messages ? buildRows(messages, me) : []), [messages, me]);
  const receipt = useMemo(
    () => (messages ? seenReceipt(messages, conversation, me, reads) : undefined),
    [messages, conversation, me, reads],
  );

  const { first, last, unsent } = useMemo(() => span(messages), [messages]);
  const { scroller, content, onScroll, away, toBottom } = useLogScroll(first, last, unsent, () => {
    void store.messages.loadOlder(id);
  });

  // A short history that does not fill the view: load more right away.
  useEffect(() => {
    const el = scroller.current;
    if (el && timeline?.status === 'ready' && timeline.hasMore && !timeline.loadingOlder && el.scrollHeight <= el.clientHeight * 1.5) {
      void store.messages.loadOlder(id);
    }
  });

  const status = timeline?.status ?? 'loading';
  return (
    <div class="message-log-wrap">
      <div
        ref={scroller}
        class="message-scroll"
        role="log"
        aria-live="polite"
        aria-label={`Messages with ${title}`}
        aria-busy={status === 'loading' || timeline?.loadingOlder ? 'true' : 'false'}
        tabIndex={0}
        onScroll={onScroll}
      >
        <div ref={content} class="message-list">
          <HistoryEdge id={id} timeline={timeline} empty={rows.length === 0} />
          {rows.map((row) =>
            row.kind === 'day' ? (
              <h3 key={row.key} class="day-separator">
                <span>{row.label}</span>
              </h3>
            ) : row.kind === 'notice' ? (
              <p key={row.key} class="log-notice" data-testid="timer-notice">
                {noticeText(row.sender, row.seconds, me)}
              </p>
            ) : (
              <MessageGroup
                key={row.key}
                row={row}
                seen={receipt && row.messages.some((m) => m.id === receipt.messageId) ? `Seen by ${listNames(receipt.names)}` : undefined}
              />
            ),
          )}
        </div>
      </div>
      {away && (
        <button type="button" class="button button-small button-primary jump-latest" onClick={toBottom}>
          Jump to latest
        </button>
      )}
    </div>
  );
}

/** The top of the loaded history: a button to load more, the start of the conversation, or a loading error. */
function HistoryEdge({ id, timeline, empty }: { id: string; timeline: MessageWindow | undefined; empty: boolean }) {
  const store = useStore();
  const status = timeline?.status ?? 'loading';
  return (
    <div class="message-history-edge">
      {timeline?.hasMore && (
        <button
          type="button"
          class="button button-small button-secondary"
          disabled={timeline.loadingOlder}
          onClick={() => void store.messages.loadOlder(id)}
        >
          {timeline.loadingOlder ? 'Loading earlier messages…' : 'Load earlier messages'}
        </button>
      )}
      {status === 'ready' && !timeline?.hasMore && (
        <p class="history-start">{empty ? 'No messages yet. Say hello!' : 'This is the beginning of the conversation.'}</p>
      )}
      {status === 'ready' && timeline?.error && <p class="alert alert-error">{timeline.error}</p>}
      {status === 'loading' && <p class="history-start">Loading messages…</p>}
      {status === 'error' && (
        <p class="alert alert-error">
          {timeline?.error}{' '}
          <button type="button" class="button button-small button-secondary" onClick={() => void store.messages.open(id)}>
            Try again
          </button>
        </p>
      )}
    </div>
  );
}
