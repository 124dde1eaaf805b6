import { useEffect, useState } from 'preact/hooks';
import { PROFILE_LIMITS, type Avatar, type UserDto } from '../../sdk/index.js';
import { client } from '../client.js';
import { ErrorAlert, StatusMessage } from '../components/messages.js';
import { describeError } from '../errors.js';
import { prepareAvatar } from './avatar-prep.js';

/** An object URL for the avatar's bytes while it is shown (revoked after). */
function useAvatarUrl(avatar: Avatar | null): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!avatar) {
      setUrl(undefined);
      return undefined;
    }
    const next = URL.createObjectURL(new Blob([avatar.bytes.slice()], { type: avatar.type }));
    setUrl(next);
    return () => URL.revokeObjectURL(next);
  }, [avatar]);
  return url;
}

/**
 * The display name and picture, sealed on this device under the profile key; only contacts and members of shared
 * groups get that key (inside the end-to-end encryption), so the server and everyone else see neither.
 */
export function ProfileEditor({ user }: { user: UserDto }) {
  const [name, setName] = useState('');
  const [avatar, setAvatar] = useState<Avatar | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const url = useAvatarUrl(avatar);

  useEffect(() => {
    let live = true;
    // Without the own key there is no profile to open yet (and asking would only answer NOT_FOUND).
    client.profile.keys
      .own()
      .then((key) => (key ? client.profile.get(user.username) : undefined))
      .then(
        (p) => {
          if (!p || !live) return;
          setName(p.displayName ?? '');
          setAvatar(p.avatar);
        },
        () => undefined,
      );
    return () => {
      live = false;
    };
  }, [user.username]);

  async function pick(e: Event) {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    setError(undefined);
    try {
      setAvatar(await prepareAvatar(file));
    } catch (err) {
      setError(err instanceof Error ? err.message : 'That picture could not be used.');
    }
  }

  async function save(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setStatus(undefined);
    try {
      const saved = await client.profile.set({ displayName: name.trim() === '' ? null : name, avatar });
      setName(saved.displayName ?? '');
      setStatus('Profile saved. Your contacts see it now.');
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="form profile-editor" onSubmit={(e) => void save(e)} aria-busy={busy} id="profile-form">
      <div class="profile-avatar-row">
        {url ? (
          <img class="profile-avatar" src={url} alt="Your picture" width={72} height={72} />
        ) : (
          <span class="profile-avatar profile-avatar-empty" aria-hidden="true">
            {(name.trim() || user.username).slice(0, 1).toUpperCase()}
          </span>
        )}
        <div class="settings-actions">
          <label class="button button-secondary" for="profile-avatar-input">
            Choose a picture
          </label>
          <input id="profile-avatar-input" class="visually-hidden" type="file" accept="image/jpeg,image/png,image/webp" onChange={(e) => void pick(e)} />
          {avatar && (
            <button type="button" class="button button-secondary" onClick={() => setAvatar(null)}>
              Remove picture
            </button>
          )}
        </div>
      </div>
      <div class="field">
        <label for="profile-display-name">Display name</label>
        <input
          id="profile-display-name"
          type="text"
          value={name}
          maxLength={PROFILE_LIMITS.displayNameChars * 4}
          autocomplete="name"
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <p class="hint">Up to {PROFILE_LIMITS.displayNameChars} characters, any language. Shown beside your user name to your contacts.</p>
      </div>
      <ErrorAlert message={error} />
      {status && <StatusMessage message={status} />}
      <div class="settings-actions">
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save profile'}
        </button>
      </div>
    </form>
  );
}
