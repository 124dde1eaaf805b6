import type { ComponentChildren } from 'preact';

/**
 * Notifications: the mount point the notification switches fill (their own component renders inside the slot).
 * Until then the section says what happens today.
 */
export function NotificationsSection({ children }: { children?: ComponentChildren }) {
  return (
    <section class="card settings-section" id="settings-notifications" aria-labelledby="settings-notifications-heading">
      <h2 id="settings-notifications-heading">Notifications</h2>
      <div data-slot="notifications">
        {children ?? <p class="hint">New messages show an unread count in the tab's title and icon while Parley is open.</p>}
      </div>
    </section>
  );
}
