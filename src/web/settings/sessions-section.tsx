import { useState } from 'preact/hooks';
import { client } from '../client.js';
import { DeviceList } from '../components/device-list.js';
import { ErrorAlert, StatusMessage } from '../components/messages.js';
import { SessionList } from '../components/session-list.js';
import { describeError, isUnauthenticated } from '../errors.js';
import { useSessionActions } from '../session.js';

/** Where you are signed in (this browser marked; revoke one, or every other at once) and your encryption devices. */
export function SessionsSection() {
  const { signedOut } = useSessionActions();
  const [version, setVersion] = useState(0);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string>();
  const [error, setError] = useState<string>();

  const revokeOthers = async () => {
    setBusy(true);
    setStatus(undefined);
    setError(undefined);
    try {
      const ended = await client.sessions.revokeOthers();
      setStatus(ended === 0 ? 'No other session was signed in.' : `Signed out ${ended} other session${ended === 1 ? '' : 's'}.`);
    } catch (err) {
      if (isUnauthenticated(err)) return signedOut(describeError(err));
      setError(describeError(err));
    } finally {
      setBusy(false);
      setVersion((v) => v + 1);
    }
  };

  return (
    <section class="card settings-section" id="settings-sessions" aria-labelledby="settings-sessions-heading">
      <h2 id="settings-sessions-heading">Sessions and devices</h2>
      <p class="hint">Revoke any session you do not recognise: it is signed out at once.</p>
      <div class="settings-actions">
        <button type="button" class="button button-danger" onClick={() => void revokeOthers()} disabled={busy}>
          {busy ? 'Signing out…' : 'Sign out everywhere else'}
        </button>
      </div>
      <StatusMessage message={status} />
      <ErrorAlert message={error} />
      <SessionList version={version} />
      <h3 class="settings-subheading">Encryption devices</h3>
      <p class="hint">Each browser you use is a device with its own keys. Remove one you no longer use.</p>
      <DeviceList />
    </section>
  );
}
