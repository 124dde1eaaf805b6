import { useState } from 'preact/hooks';
import type { UserDto } from '../../sdk/index.js';
import { client } from '../client.js';
import { describeError, isUnauthenticated } from '../errors.js';
import { useSessionActions } from '../session.js';
import { ErrorAlert, StatusMessage } from './messages.js';
import { NewPasswordFields } from './new-password-fields.js';
import { PasswordField } from './password-field.js';
import { usePasswordStrength } from './strength-meter.js';

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
      <NewPasswordFields
        ids={{ password: 'new-password', strength: 'new-password-strength', confirm: 'confirm-new-password', confirmHint: 'confirm-new-password-hint' }}
        labels={{ password: 'New password', confirm: 'Confirm new password' }}
        password={next}
        confirm={confirm}
        onPassword={setNext}
        onConfirm={setConfirm}
        strength={strength}
        confirmHint="Type the new password again."
      />
      <ErrorAlert message={error} />
      <StatusMessage message={status} />
      <button type="submit" class="button button-primary" disabled={!ready}>
        {busy ? 'Changing password…' : 'Change password'}
      </button>
    </form>
  );
}
