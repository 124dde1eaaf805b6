import { useState } from 'preact/hooks';
import type { UserDto } from '../../sdk/index.js';
import { client } from '../client.js';
import { ErrorAlert } from '../components/messages.js';
import { PasswordField } from '../components/password-field.js';
import { describeError, isUnauthenticated } from '../errors.js';
import { eraseLocalSecrets } from '../local-secrets.js';
import { useSessionActions } from '../session.js';
import { ExportPanel } from './export-panel.js';

export const ACCOUNT_DELETED_NOTICE = 'Your account was deleted. Its name stays reserved; nobody can sign up with it.';

/** Deleting the account: behind a disclosure, confirmed with the password and an explicit acknowledgement. */
export function AccountSection({ user }: { user: UserDto }) {
  const { signedOut } = useSessionActions();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [understood, setUnderstood] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!password || !understood || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await client.deleteAccount(password);
      // The device's own copy goes too: keys, MLS state and read messages kept in this browser.
      await eraseLocalSecrets(user.username).catch(() => undefined);
      signedOut(ACCOUNT_DELETED_NOTICE);
    } catch (err) {
      if (isUnauthenticated(err)) return signedOut(describeError(err));
      setError(describeError(err, { INVALID_CREDENTIALS: 'The password is incorrect. Nothing was deleted.' }));
      setBusy(false);
    }
  };

  return (
    <section class="card settings-section settings-danger" id="settings-account" aria-labelledby="settings-account-heading">
      <h2 id="settings-account-heading">Account</h2>
      <ExportPanel user={user} />
      <h3 class="settings-subheading">Delete your account</h3>
      <p class="hint">
        Deleting your account signs you out everywhere and removes your devices, keys, history vault, contacts and files. You leave
        every group; your messages show as deleted to others. The name {user.username} stays reserved. This cannot be undone.
      </p>
      {!open && (
        <button type="button" class="button button-danger" aria-expanded="false" aria-controls="delete-account-form" onClick={() => setOpen(true)}>
          Delete account…
        </button>
      )}
      {open && (
        <form id="delete-account-form" class="form" onSubmit={(e) => void submit(e)} aria-busy={busy}>
          <PasswordField id="delete-password" label="Your password" value={password} onInput={setPassword} autocomplete="current-password" />
          <div class="field field-check">
            <input id="delete-understood" type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.currentTarget.checked)} />
            <label for="delete-understood">I understand that my account and everything in it will be gone for good.</label>
          </div>
          <ErrorAlert message={error} />
          <div class="settings-actions">
            <button type="submit" class="button button-danger" disabled={!password || !understood || busy}>
              {busy ? 'Deleting account…' : 'Delete my account'}
            </button>
            <button
              type="button"
              class="button button-secondary"
              disabled={busy}
              onClick={() => {
                setOpen(false);
                setPassword('');
                setUnderstood(false);
                setError(undefined);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
