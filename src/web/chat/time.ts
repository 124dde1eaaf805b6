const timeOfDay = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const weekdayShort = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const dateShort = new Intl.DateTimeFormat(undefined, { dateStyle: 'short' });
const dayLong = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

const DAY_MS = 86_400_000;

/** The local calendar day of a time, as a key ("2025-03-07"). */
export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** Whole local days between `iso` and now (0 = today, 1 = yesterday). */
function daysAgo(iso: string, now: Date): number {
  return Math.round((startOfDay(now) - startOfDay(new Date(iso))) / DAY_MS);
}

/** "14:05" */
export function formatTime(iso: string): string {
  return timeOfDay.format(new Date(iso));
}

/** "Friday 7 March 2025 at 14:05", for a tooltip. */
export function formatFull(iso: string): string {
  return full.format(new Date(iso));
}

/** A day separator: "Today", "Yesterday" or "Friday 7 March 2025". */
export function formatDay(iso: string, now = new Date()): string {
  const ago = daysAgo(iso, now);
  if (ago === 0) return 'Today';
  if (ago === 1) return 'Yesterday';
  return dayLong.format(new Date(iso));
}

/** The conversation list's compact time: "14:05", "Yesterday", "Mon", "07/03/2025". */
export function formatListTime(iso: string, now = new Date()): string {
  const ago = daysAgo(iso, now);
  if (ago <= 0) return formatTime(iso);
  if (ago === 1) return 'Yesterday';
  if (ago < 7) return weekdayShort.format(new Date(iso));
  return dateShort.format(new Date(iso));
}
