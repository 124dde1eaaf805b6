import type { UserDto } from '../../sdk/index.js';
import { formatDateTime } from '../format.js';
import { ProfileEditor } from './profile-editor.js';

/** Who you are to others: a display name and picture only contacts can read, beside the stable user name. */
export function ProfileSection({ user }: { user: UserDto }) {
  return (
    <section class="card settings-section" id="settings-profile" aria-labelledby="settings-profile-heading">
      <h2 id="settings-profile-heading">Profile</h2>
      <ProfileEditor user={user} />
      <dl class="settings-facts">
        <div>
          <dt>User name</dt>
          <dd>{user.username}</dd>
        </div>
        <div>
          <dt>Member since</dt>
          <dd>
            <time dateTime={user.createdAt}>{formatDateTime(user.createdAt)}</time>
          </dd>
        </div>
      </dl>
      <p class="hint">Your user name is how contacts find you. It cannot be changed, and it stays reserved for you.</p>
    </section>
  );
}
