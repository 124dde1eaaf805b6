import { useState } from 'preact/hooks';
import type { UserDto } from '../../sdk/index.js';
import { ChangePasswordForm } from '../components/change-password-form.js';
import { DeviceList } from '../components/device-list.js';
import { PageHeading } from '../components/page-heading.js';
import { SessionList } from '../components/session-list.js';
import { Shell } from '../components/shell.js';

/** Sessions and settings: where the user is signed in, their encryption devices, and the password. */
export function SessionsPage({ user }: { user: UserDto }) {
  const [version, setVersion] = useState(0);
  return (
    <Shell user={user}>
      <PageHeading title="Sessions and security" />
      <section class="card" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Where you are signed in</h2>
        <p class="hint">Revoke any device you do not recognise: it is signed out at once.</p>
        <SessionList version={version} />
      </section>
      <section class="card" aria-labelledby="devices-heading">
        <h2 id="devices-heading">Your encryption devices</h2>
        <p class="hint">Each browser you use is a device with its own keys. Remove one you no longer use or do not recognise.</p>
        <DeviceList />
      </section>
      <section class="card" aria-labelledby="password-heading">
        <h2 id="password-heading">Change password</h2>
        <p class="hint">Changing your password signs out every other device.</p>
        <ChangePasswordForm user={user} onChanged={() => setVersion((v) => v + 1)} />
      </section>
    </Shell>
  );
}
