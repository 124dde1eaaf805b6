import { useEffect, useRef, useState } from 'preact/hooks';
import type { UserDto } from '../../sdk/index.js';
import { client } from '../client.js';
import { ErrorAlert, StatusMessage } from '../components/messages.js';
import { PasswordField } from '../components/password-field.js';
import { describeError, isUnauthenticated } from '../errors.js';
import { formatDateTime } from '../format.js';
import { useSessionActions } from '../session.js';

type Stage = { kind: 'idle' } | { kind: 'asking' } | { kind: 'showing'; key: string };

/** Offers the recovery key file as a download, made in the page (nothing is sent anywhere). */
function download(username: string, key: string): void {
  const text = `Parley recovery key for ${username}\n\n${key}\n\nKeep it somewhere safe and private. With it, you can set a new password and keep your history if you forget yours.\n`;
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `parley-recovery-key-${username}.txt`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * The recovery key: whether there is one, and making one (password asked; the key shown once, downloadable, and
 * confirmed by typing its last group back). Without one the page says plainly what a forgotten password costs.
 */
export function RecoverySection({ user }: { user: UserDto }) {
  const { signedOut } = useSessionActions();
  const [since, setSince] = useState<string | null>();
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const [password, setPassword] = useState('');
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const keyRef = useRef<HTMLElement>(null);

  useEffect(() => {
    let live = true;
    client.recovery.status().then(
      (s) => live && setSince(s?.updatedAt ?? null),
      (err: unknown) => live && setError(describeError(err)),
    );
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    if (stage.kind === 'showing') keyRef.current?.focus();
  }, [stage.kind]);

  const create = async (event: Event) => {
    event.preventDefault();
    if (!password || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const key = await client.recovery.create(password);
      setPassword('');
      setTyped('');
      setStage({ kind: 'showing', key });
      setSince(new Date().toISOString());
    } catch (err) {
      if (isUnauthenticated(err)) return signedOut(describeError(err));
      setError(describeError(err, { INVALID_CREDENTIALS: 'The password is incorrect.' }));
    } finally {
      setBusy(false);
    }
  };

  const lastGroup = stage.kind === 'showing' ? (stage.key.split('-').at(-1) ?? '') : '';
  const confirmed = typed.trim().toUpperCase() === lastGroup;

  return (
    <div class="settings-recovery">
      <h3 class="settings-subheading" id="recovery-heading">
        Recovery key
      </h3>
      {since === null && (
        <p class="alert alert-warning" id="recovery-warning">
          You have no recovery key. If you forget your password, your account and its history cannot be recovered: you would
          have to start afresh.
        </p>
      )}
      {since && stage.kind !== 'showing' && (
        <p class="hint">
          You have a recovery key (set <time dateTime={since}>{formatDateTime(since)}</time>). Making a new one replaces it.
        </p>
      )}
      <StatusMessage message={status} />
      <ErrorAlert message={error} />
      {stage.kind === 'idle' && since !== undefined && (
        <button type="button" class="button button-secondary" onClick={() => setStage({ kind: 'asking' })}>
          {since ? 'Make a new recovery key' : 'Make a recovery key'}
        </button>
      )}
      {stage.kind === 'asking' && (
        <form class="form" onSubmit={(e) => void create(e)} aria-busy={busy} aria-labelledby="recovery-heading">
          <PasswordField id="recovery-password" label="Your password" value={password} onInput={setPassword} autocomplete="current-password" />
          <div class="settings-actions">
            <button type="submit" class="button button-primary" disabled={!password || busy}>
              {busy ? 'Making the key…' : 'Make the key'}
            </button>
            <button type="button" class="button button-secondary" disabled={busy} onClick={() => setStage({ kind: 'idle' })}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {stage.kind === 'showing' && (
        <div class="recovery-reveal">
          <p>This is your recovery key. It is shown only now: save it somewhere safe (a password manager, or on paper).</p>
          <code ref={keyRef} tabIndex={-1} class="recovery-key" aria-label="Your recovery key">
            {stage.key}
          </code>
          <div class="settings-actions">
            <button type="button" class="button button-secondary" onClick={() => download(user.username, stage.key)}>
              Download as a text file
            </button>
          </div>
          <div class="field">
            <label for="recovery-confirm">Type its last four characters to confirm you saved it</label>
            <input
              id="recovery-confirm"
              value={typed}
              onInput={(e) => setTyped(e.currentTarget.value)}
              autoCapitalize="characters"
              autocomplete="off"
              spellcheck={false}
              maxLength={4}
              aria-invalid={typed.length === 4 && !confirmed ? 'true' : undefined}
            />
          </div>
          <div class="settings-actions">
            <button
              type="button"
              class="button button-primary"
              disabled={!confirmed}
              onClick={() => {
                setStage({ kind: 'idle' });
                setStatus('Recovery key saved. Keep it private: it can reset your password.');
              }}
            >
              I saved it
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
