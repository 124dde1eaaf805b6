import { useEffect, useState } from 'preact/hooks';
import { onPrefs, readPrefs, writePrefs, type NotificationPrefs } from './preferences.js';
import { Switch } from '../components/switch.js';
import { disablePush, enablePush, pushSupported } from './push-subscription.js';

const BLOCKED = 'Notifications are blocked for Parley in this browser: allow them in the site settings, then try again.';

/** Asks for the permission (only ever from a switch the user turned on, never on page load). */
async function permitted(): Promise<boolean> {
  if (typeof Notification === 'undefined') return false;
  if (Notification.permission === 'granted') return true;
  if (Notification.permission === 'denied') return false;
  return (await Notification.requestPermission()) === 'granted';
}

/**
 * This browser's notification settings: desktop notifications (asks for the permission when turned on), the text
 * hidden, and Web Push with Parley closed. Mute and "mentions only" are per conversation, in its header.
 */
export function NotificationsSettings({ embedded = false }: { embedded?: boolean } = {}) {
  const [prefs, setPrefs] = useState<NotificationPrefs>(readPrefs);
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => onPrefs(setPrefs), []);
  const supported = typeof Notification !== 'undefined';

  const toggleDesktop = async (on: boolean) => {
    setProblem(undefined);
    if (on && !(await permitted())) {
      setProblem(BLOCKED);
      setPrefs(readPrefs());
      return;
    }
    writePrefs({ desktop: on });
  };

  const togglePush = async (on: boolean) => {
    setProblem(undefined);
    setBusy(true);
    try {
      if (on) {
        if (!(await permitted())) {
          setProblem(BLOCKED);
          setPrefs(readPrefs());
          return;
        }
        await enablePush();
      } else {
        await disablePush();
      }
      writePrefs({ push: on });
    } catch {
      setProblem('This browser could not subscribe to push notifications (its push service may be unreachable).');
      setPrefs(readPrefs());
    } finally {
      setBusy(false);
    }
  };

  const body = (
    <>
      {!supported && <p class="hint">This browser does not show notifications.</p>}
      <Switch
        id="notify-desktop"
        label="Desktop notifications"
        hint="When a message arrives while Parley is in the background or another conversation is open."
        checked={prefs.desktop}
        disabled={!supported}
        onToggle={(on) => void toggleDesktop(on)}
      />
      <Switch
        id="notify-hide-text"
        label="Hide message text"
        hint="Notifications say only “New message”, not who wrote what."
        checked={prefs.hideText}
        disabled={!supported}
        onToggle={(on) => writePrefs({ hideText: on })}
      />
      <Switch
        id="notify-push"
        label="Notify me when Parley is closed"
        hint="Web Push: your browser's push service delivers an encrypted signal holding no sender, no text and no conversation name; the notification says only “New message”."
        checked={prefs.push}
        disabled={!supported || !pushSupported() || busy}
        onToggle={(on) => void togglePush(on)}
      />
      {problem && (
        <p class="hint hint-error" role="alert">
          {problem}
        </p>
      )}
    </>
  );
  // In Settings the section around it carries the heading; elsewhere it is a card of its own.
  if (embedded) return body;
  return (
    <section class="card" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">Notifications</h2>
      {body}
    </section>
  );
}
