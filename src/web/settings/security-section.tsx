import type { ComponentChildren } from 'preact';
import type { UserDto } from '../../sdk/index.js';
import { ChangePasswordForm } from '../components/change-password-form.js';

/** The password (changing it signs out every other session) and, beside it, the recovery key. */
export function SecuritySection({ user, children }: { user: UserDto; children?: ComponentChildren }) {
  return (
    <section class="card settings-section" id="settings-security" aria-labelledby="settings-security-heading">
      <h2 id="settings-security-heading">Security</h2>
      <h3 class="settings-subheading">Change password</h3>
      <p class="hint">Changing your password signs out every other session.</p>
      <ChangePasswordForm user={user} onChanged={() => undefined} />
      {children}
    </section>
  );
}
