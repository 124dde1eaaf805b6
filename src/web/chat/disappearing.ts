/** Words for disappearing-message timers: the choices, a timer's name, and the notice a change leaves in the log. */
import { DISAPPEARING_TIMERS } from '../../sdk/index.js';

const NAMES: Record<number, string> = { 300: '5 minutes', 3_600: '1 hour', 86_400: '1 day', 604_800: '1 week' };

/** "5 minutes", "1 week", "Off". */
export function timerName(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return 'Off';
  return NAMES[seconds] ?? `${seconds} seconds`;
}

/** The choices offered, in order, Off first. */
export const TIMER_CHOICES: readonly (number | null)[] = [null, ...DISAPPEARING_TIMERS];

/** "You set disappearing messages to 1 hour.", "bob turned off disappearing messages." */
export function noticeText(sender: string, seconds: number | null, me: string): string {
  const who = sender === me ? 'You' : sender;
  return seconds === null ? `${who} turned off disappearing messages.` : `${who} set disappearing messages to ${timerName(seconds)}.`;
}
