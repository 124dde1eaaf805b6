import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { UserDto } from '../../sdk/index.js';
import { client } from '../client.js';
import { usePath } from '../router.js';
import { useSessionActions } from '../session.js';
import { Link } from './link.js';

/**
 * The signed-in frame: brand, main navigation, the user's name and Log out, laid out alike on every page. `layout="app"`
 * gives the page the full width and the height of the window (the chat app); the default is a centred, scrolling page.
 */
export function Shell({ user, children, layout = 'page' }: { user: UserDto; children: ComponentChildren; layout?: 'page' | 'app' }) {
  const path = usePath();
  const { signedOut } = useSessionActions();
  const [busy, setBusy] = useState(false);

  const logOut = async () => {
    setBusy(true);
    // The SDK forgets the local session even when the server cannot be reached.
    await client.logout().catch(() => undefined);
    signedOut();
  };

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to main content
      </a>
      {/* One header on every signed-in page (full width, the same height and places as in the chat app). */}
      <header class="topbar topbar-wide">
        <div class="topbar-inner">
          <Link href="/" class="brand">
            Parley
          </Link>
          <nav aria-label="Main" class="main-nav">
            <ul>
              <li>
                <Link href="/" current={path === '/' || path.startsWith('/c/')}>
                  Conversations
                </Link>
              </li>
              <li>
                <Link href="/sessions" current={path === '/sessions'}>
                  Sessions
                </Link>
              </li>
              <li>
                <Link href="/settings" current={path === '/settings'}>
                  Settings
                </Link>
              </li>
            </ul>
          </nav>
          <div class="account">
            <span class="account-name">
              <span class="visually-hidden">Signed in as </span>
              {user.username}
            </span>
            <button type="button" class="button button-secondary" onClick={() => void logOut()} disabled={busy}>
              {busy ? 'Logging out…' : 'Log out'}
            </button>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} class={layout === 'app' ? 'page-app' : 'page'}>
        {children}
      </main>
    </>
  );
}
