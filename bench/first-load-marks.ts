// The in-page half of bench/first-load.ts: an init script that runs before any of the page's scripts and records,
// in the page's own clock (performance.now(), whose zero is the navigation's start), when the log-in form becomes
// usable. Kept tiny and free of imports: it runs in the page as source text (`FIRST_LOAD_MARKS_SCRIPT`).

export interface FirstLoadMarks {
  /** The user-name field and the submit button are on the page, neither disabled (0 until then). */
  formReady: number;
  /**
   * The first task the main thread ran after `formReady`: posted (MessageChannel) the moment the form was ready, it
   * runs once the work queued before it is done, so a keystroke typed when the form appeared is handled by then (input
   * outranks an ordinary task). This is the bench's "interactive".
   */
  interactive: number;
  /** The end of the last long task (≥ 50 ms) seen until the measurement stops. */
  lastLongTaskEnd: number;
  /** Long tasks (start and duration, ms) in that window. */
  longTasks: [number, number][];
}

/** The init script: `window.__firstLoad` holds the marks. */
export function recordFirstLoadMarks(): void {
  const marks: FirstLoadMarks = { formReady: 0, interactive: 0, lastLongTaskEnd: 0, longTasks: [] };
  (window as unknown as { __firstLoad: FirstLoadMarks }).__firstLoad = marks;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      marks.longTasks.push([Math.round(e.startTime), Math.round(e.duration)]);
      marks.lastLongTaskEnd = Math.max(marks.lastLongTaskEnd, e.startTime + e.duration);
    }
  }).observe({ type: 'longtask', buffered: true });
  const ready = (): boolean => {
    const field = document.querySelector<HTMLInputElement>('#login-username');
    const submit = field?.form?.querySelector<HTMLButtonElement>('button[type="submit"]');
    return !!field && !field.disabled && !field.readOnly && !!submit && !submit.disabled;
  };
  new MutationObserver((_, observer) => {
    if (!ready()) return;
    marks.formReady = performance.now();
    observer.disconnect();
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      marks.interactive = performance.now();
    };
    channel.port2.postMessage(null);
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled', 'readonly'] });
}

/**
 * The init script as source text. tsx (esbuild's keepNames) wraps named functions in a `__name(...)` helper that the
 * page does not have; a no-op one is given here, inside the script's own scope.
 */
export const FIRST_LOAD_MARKS_SCRIPT = `(() => { const __name = (f) => f; (${recordFirstLoadMarks.toString()})(); })();`;
