import { Link } from '../components/link.js';
import { PageHeading } from '../components/page-heading.js';
import { PublicLayout } from '../components/public-layout.js';

export function LandingPage() {
  return (
    <PublicLayout>
      <PageHeading title="Private conversations, end to end" />
      <p class="lead">
        Parley is a chat app for one-to-one and group conversations where the server is only a relay: it never sees your
        messages, your password or your keys.
      </p>
      <ul class="features">
        <li>
          <strong>Your password stays on your device.</strong> It is turned into keys in your browser; the server receives
          only a derived proof.
        </li>
        <li>
          <strong>End-to-end encrypted.</strong> Messages are encrypted before they leave your device and can be read only
          by the people in the conversation.
        </li>
        <li>
          <strong>You stay in control.</strong> See every device where you are signed in and sign any of them out.
        </li>
      </ul>
      <div class="actions">
        <Link href="/signup" class="button button-primary">
          Sign up
        </Link>
        <Link href="/login" class="button button-secondary">
          Log in
        </Link>
      </div>
    </PublicLayout>
  );
}
