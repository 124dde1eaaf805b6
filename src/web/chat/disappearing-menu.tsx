import { useState } from 'preact/hooks';
import type { ConversationDto } from '../../sdk/index.js';
import { describeError } from '../errors.js';
import { useStore } from './chat-context.js';
import { TIMER_CHOICES, timerName } from './disappearing.js';

/** Either member of a direct conversation may change its timer; in a group its admins and owner. */
export const maySetTimer = (c: ConversationDto): boolean => c.kind === 'direct' || c.myRole !== 'member';

/**
 * The conversation header's disappearing-message timer: shown to everyone, a choice for those allowed to change it.
 * The change is the server's to announce (a notice in the log, for every member).
 */
export function DisappearingMenu({ conversation }: { conversation: ConversationDto }) {
  const store = useStore();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const seconds = conversation.disappearingSeconds ?? null;
  const label = `Disappearing messages: ${timerName(seconds)}`;
  if (!maySetTimer(conversation)) {
    return seconds === null ? null : (
      <span class="timer-badge" title={label} aria-label={label}>
        Timer: {timerName(seconds)}
      </span>
    );
  }
  const change = (value: string) => {
    const next = value === 'off' ? null : Number(value);
    setBusy(true);
    setProblem(undefined);
    store.client.conversations.setDisappearing(conversation.id, next).then(
      () => setBusy(false),
      (e: unknown) => {
        setBusy(false);
        setProblem(describeError(e));
      },
    );
  };
  return (
    <span class="timer-menu">
      <label class="timer-select-label" title={label}>
        <span aria-hidden="true">Timer</span>
        <span class="visually-hidden">Disappearing messages</span>
        <select
          class={`timer-select${seconds !== null ? ' is-on' : ''}`}
          value={seconds === null ? 'off' : String(seconds)}
          disabled={busy}
          onChange={(e) => change(e.currentTarget.value)}
        >
          {TIMER_CHOICES.map((s) => (
            <option key={String(s)} value={s === null ? 'off' : String(s)}>
              {timerName(s)}
            </option>
          ))}
        </select>
      </label>
      {problem && (
        <span role="alert" class="timer-problem">
          {problem}
        </span>
      )}
    </span>
  );
}
