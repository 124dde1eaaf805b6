// Must stay the first import: it configures zod before the protocol schemas are built (this page brings them).
import '../zod-config.js';
import { useState } from 'preact/hooks';
import { Username } from '../../protocol/common.js';
import { getClient } from '../client-loader.js';
import { Link } from '../components/link.js';
import { ErrorAlert } from '../components/messages.js';
import { PageHeading } from '../components/page-heading.js';
import { NewPasswordFields } from '../components/new-password-fields.js';
import { PublicLayout } from '../components/public-layout.js';
import { usePasswordStrength, warmUpStrengthChecker } from '../components/strength-meter.js';
import { describeError } from '../errors.js';
import { useSessionActions } from '../session.js';

export function SignupPage() {
  const { signedIn } = useSessionActions();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const name = username.trim();
  const nameCheck = Username.safeParse(name);
  const nameProblem = name && !nameCheck.success ? nameCheck.error.issues[0]?.message : undefined;
  const strength = usePasswordStrength(password, name ? [name] : []);
  const ready = nameCheck.success && strength.acceptable && confirm === password && !busy;

  // The SDK is not part of the first load: it downloads while the user types.
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
      const user = await client.signup(name, password);
      // Connect (and set up this browser's end-to-end device) before showing the app: a reload from then on finds the
      // device in this browser's store, without the password. A failed connection does not block signing in.
      signedIn(user, await client.connect().then(() => true, () => false));
    } catch (err) {
      setError(describeError(err, { USERNAME_TAKEN: 'That user name is taken. Please choose another one.' }));
      setBusy(false);
    }
  };

  return (
    <PublicLayout>
      <PageHeading title="Create your account" />
      <form class="form" onSubmit={(e) => void submit(e)} onFocusIn={warmUp} aria-busy={busy}>
        <div class="field">
          <label for="signup-username">User name</label>
          <input
            id="signup-username"
            name="username"
            value={username}
            onInput={(e) => {
              setUsername(e.currentTarget.value);
              // An answer about the previous name ("taken") no longer applies.
              setError(undefined);
            }}
            autocomplete="username"
            autoCapitalize="off"
            spellcheck={false}
            required
            aria-describedby="signup-username-hint"
            aria-invalid={nameProblem ? 'true' : undefined}
          />
          <p id="signup-username-hint" class={nameProblem ? 'hint hint-error' : 'hint'}>
            {nameProblem ? `The ${nameProblem}.` : '3 to 32 characters: letters, digits, “_”, “.” and “-”.'}
          </p>
        </div>
        <NewPasswordFields
          ids={{ password: 'signup-password', strength: 'signup-strength', confirm: 'signup-confirm', confirmHint: 'signup-confirm-hint' }}
          labels={{ password: 'Password', confirm: 'Confirm password' }}
          password={password}
          confirm={confirm}
          onPassword={setPassword}
          onConfirm={setConfirm}
          strength={strength}
          confirmHint="Type the same password again."
        />
        <ErrorAlert message={error} />
        <p class="hint">
          Your password never leaves this device: it is turned into keys here. Nobody, not even Parley, can reset it: make a recovery key in Settings, or a forgotten password means starting afresh.
        </p>
        <button type="submit" class="button button-primary" disabled={!ready}>
          {busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
      <p class="aside">
        Already have an account? <Link href="/login">Log in</Link>.
      </p>
    </PublicLayout>
  );
}
