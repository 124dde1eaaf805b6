import type { UserDto } from '../../sdk/index.js';
import { Link } from '../components/link.js';
import { PageHeading } from '../components/page-heading.js';
import { Shell } from '../components/shell.js';

export function HomePage({ user }: { user: UserDto }) {
  return (
    <Shell user={user}>
      <PageHeading title="Conversations" />
      <section class="placeholder" aria-label="Conversations">
        <p class="placeholder-title">Your conversations will appear here</p>
        <p>
          Welcome, <strong>{user.username}</strong>. Contacts and end-to-end encrypted chats are coming next. Meanwhile you
          can review the devices where you are signed in on the <Link href="/sessions">Sessions</Link> page.
        </p>
      </section>
    </Shell>
  );
}
