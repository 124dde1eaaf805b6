import { useState } from 'preact/hooks';
import type { UserDto } from '../../sdk/index.js';
import { client } from '../client.js';
import { describeError, isUnauthenticated } from '../errors.js';
import { useSessionActions } from '../session.js';
import { ErrorAlert, StatusMessage } from './messages.js';
import { PasswordField } from './password-field.js';
import { StrengthMeter, usePasswordStrength } from './strength-meter.js';

/** Old password, new password (with the meter) and its confirmation. Every other session ends on success. */
export function ChangePasswordForm({ user, onChanged }: { user: UserDto; onChanged: () => void }) {
  const { signedOut } = useSessionActions();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();

  const strength = usePasswordStrength(next, [user.username]);
  const mismatch = confirm.length > 0 && confirm !== next;
  const ready = current.length > 0 && strength.acceptable && confirm === next && !busy;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!ready) return;
    setBusy(true);
    setError(undefined);
    setStatus(undefined);
    try {
      await client.changePassword(current, next);
      setCurrent('');
      setNext('');
      setConfirm('');
      setStatus('Password changed. Every other device was signed out.');
      onChanged();
    } catch (err) {
      if (isUnauthenticated(err)) return signedOut(describeError(err));
      setError(describeError(err, { INVALID_CREDENTIALS: 'The current password is incorrect.' }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form" onSubmit={(e) => void submit(e)} aria-busy={busy}>
      <PasswordField
        id="current-password"
        label="Current password"
        value={current}
        onInput={setCurrent}
        autocomplete="current-password"
      />
      <PasswordField
        id="new-password"
        label="New password"
        value={next}
        onInput={setNext}
        autocomplete="new-password"
        describedBy="new-password-strength"
      />
      <StrengthMeter id="new-password-strength" strength={strength.strength} />
      <PasswordField
        id="confirm-new-password"
        label="Confirm new password"
        value={confirm}
        onInput={setConfirm}
        autocomplete="new-password"
        describedBy="confirm-new-password-hint"
        invalid={mismatch}
      />
      <p id="confirm-new-password-hint" class={mismatch ? 'hint hint-error' : 'hint'}>
        {mismatch ? 'The passwords do not match.' : 'Type the new password again.'}
      </p>
      <ErrorAlert message={error} />
      <StatusMessage message={status} />
      <button type="submit" class="button button-primary" disabled={!ready}>
        {busy ? 'Changing password…' : 'Change password'}
      </button>
    </form>
  );
}
