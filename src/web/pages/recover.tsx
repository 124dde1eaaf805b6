// Must stay the first import: it configures zod before the protocol schemas are built (this page's chunk may bring them).
import '../zod-config.js';
import { useState } from 'preact/hooks';
import { getClient } from '../client-loader.js';
import { Link } from '../components/link.js';
import { ErrorAlert } from '../components/messages.js';
import { PageHeading } from '../components/page-heading.js';
import { NewPasswordFields } from '../components/new-password-fields.js';
import { PublicLayout } from '../components/public-layout.js';
import { usePasswordStrength, warmUpStrengthChecker } from '../components/strength-meter.js';
import { describeError } from '../errors.js';
import { useSessionActions } from '../session.js';

/** A forgotten password: the recovery key sets a new one; the history stays readable. */
export function RecoverPage() {
  const { signedIn } = useSessionActions();
  const [username, setUsername] = useState('');
  const [key, setKey] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const name = username.trim();
  const strength = usePasswordStrength(password, name ? [name] : []);
  const ready = name.length > 0 && key.trim().length > 0 && strength.acceptable && confirm === password && !busy;

  const warmUp = () => {
    void getClient().catch(() => undefined);
    warmUpStrengthChecker();
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!ready) return;
    setBusy(true);
    setError(undefined);
    try {
      const client = await getClient();
      // Signs in, connects and re-wraps the vault under the new password before the app shows.
      const user = await client.recover(name, key, password);
      signedIn(user, true);
    } catch (err) {
      setError(
        describeError(err, {
          INVALID_CREDENTIALS: 'The user name or recovery key is incorrect.',
          VALIDATION_FAILED: 'A recovery key is 32 letters and digits, in groups of four.',
        }),
      );
      setBusy(false);
    }
  };

  return (
    <PublicLayout>
      <PageHeading title="Recover your account" />
      <p class="hint recover-intro">
        Forgot your password? If you made a recovery key, use it here to set a new password and keep your history. Without one,
        nobody can reset your password.
      </p>
      <form class="form" onSubmit={(e) => void submit(e)} onFocusIn={warmUp} aria-busy={busy}>
        <div class="field">
          <label for="recover-username">User name</label>
          <input
            id="recover-username"
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
            autocomplete="username"
            autoCapitalize="off"
            spellcheck={false}
            required
          />
        </div>
        <div class="field">
          <label for="recover-key">Recovery key</label>
          <input
            id="recover-key"
            value={key}
            onInput={(e) => setKey(e.currentTarget.value)}
            autocomplete="off"
            autoCapitalize="characters"
            spellcheck={false}
            required
            aria-describedby="recover-key-hint"
          />
          <p id="recover-key-hint" class="hint">
            32 letters and digits, like ABCD-EFGH-…; case and dashes do not matter.
          </p>
        </div>
        <NewPasswordFields
          ids={{ password: 'recover-password', strength: 'recover-strength', confirm: 'recover-confirm', confirmHint: 'recover-confirm-hint' }}
          labels={{ password: 'New password', confirm: 'Confirm new password' }}
          password={password}
          confirm={confirm}
          onPassword={setPassword}
          onConfirm={setConfirm}
          strength={strength}
          confirmHint="Type the new password again."
        />
        <ErrorAlert message={error} />
        <button type="submit" class="button button-primary" disabled={!ready}>
          {busy ? 'Recovering…' : 'Set the new password'}
        </button>
      </form>
      <p class="aside">
        Remembered it? <Link href="/login">Log in</Link>.
      </p>
    </PublicLayout>
  );
}
