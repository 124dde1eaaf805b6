import type { UserDto } from '../../sdk/index.js';
import { PageHeading } from '../components/page-heading.js';
import { Shell } from '../components/shell.js';
import { AccountSection } from './account-section.js';
import { NotificationsSettings } from '../notifications/notifications-settings.js';
import { NotificationsSection } from './notifications-section.js';
import { PrivacySection } from './privacy-section.js';
import { ProfileSection } from './profile-section.js';
import { RecoverySection } from './recovery-section.js';
import { SecuritySection } from './security-section.js';
import { SessionsSection } from './sessions-section.js';

const SECTIONS = [
  ['settings-profile', 'Profile'],
  ['settings-notifications', 'Notifications'],
  ['settings-sessions', 'Sessions and devices'],
  ['settings-security', 'Security'],
  ['settings-privacy', 'Privacy'],
  ['settings-account', 'Account'],
] as const;

/** Everything about your account in one page: a table of contents, then one card per section. */
export function SettingsPage({ user }: { user: UserDto }) {
  return (
    <Shell user={user}>
      <PageHeading title="Settings" />
      <nav class="settings-toc" aria-label="Settings sections">
        <ul>
          {SECTIONS.map(([id, label]) => (
            <li key={id}>
              <a href={`#${id}`}>{label}</a>
            </li>
          ))}
        </ul>
      </nav>
      <ProfileSection user={user} />
      <NotificationsSection>
        <NotificationsSettings embedded />
      </NotificationsSection>
      <SessionsSection />
      <SecuritySection user={user}>
        <RecoverySection user={user} />
      </SecuritySection>
      <PrivacySection />
      <AccountSection user={user} />
    </Shell>
  );
}
