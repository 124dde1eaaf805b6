import { useState } from 'preact/hooks';
import { getClient } from '../client-loader.js';
import { Link } from '../components/link.js';
import { ErrorAlert, StatusMessage } from '../components/messages.js';
import { PageHeading } from '../components/page-heading.js';
import { PasswordField } from '../components/password-field.js';
import { PublicLayout } from '../components/public-layout.js';
import { describeError } from '../errors.js';
import { useSessionActions } from '../session.js';

export function LoginPage({ notice }: { notice: string | undefined }) {
  const { signedIn } = useSessionActions();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  // The SDK is not part of the first load: it downloads while the user types.
  const warmUp = () => void getClient().catch(() => undefined);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const client = await getClient();
      const user = await client.login(username.trim(), password);
      // Connect (and set up this browser's end-to-end device) before showing the app: a reload from then on finds the
      // device in this browser's store, without the password. A failed connection does not block signing in.
      signedIn(user, await client.connect().then(() => true, () => false));
    } catch (err) {
      setError(
        describeError(err, {
          // One message whether the name or the password is wrong: it does not tell which accounts exist.
          INVALID_CREDENTIALS: 'The user name or password is incorrect.',
          VALIDATION_FAILED: 'The user name or password is incorrect.',
        }),
      );
      setBusy(false);
    }
  };

  return (
    <PublicLayout>
      <PageHeading title="Log in" />
      <StatusMessage message={notice} />
      <form class="form" onSubmit={(e) => void submit(e)} onFocusIn={warmUp} aria-busy={busy}>
        <div class="field">
          <label for="login-username">User name</label>
          <input
            id="login-username"
            name="username"
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
            autocomplete="username"
            autoCapitalize="off"
            spellcheck={false}
            required
          />
        </div>
        <PasswordField
          id="login-password"
          label="Password"
          value={password}
          onInput={setPassword}
          autocomplete="current-password"
        />
        <ErrorAlert message={error} />
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <p class="aside">
        Forgot your password? <Link href="/recover">Use your recovery key</Link>.
      </p>
      <p class="aside">
        New to Parley? <Link href="/signup">Create an account</Link>.
      </p>
    </PublicLayout>
  );
}
