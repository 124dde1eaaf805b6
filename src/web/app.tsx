import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { UserDto } from '../sdk/index.js';
import { client, testKdf } from './client.js';
import { PageHeading } from './components/page-heading.js';
import { PublicLayout } from './components/public-layout.js';
import { Shell } from './components/shell.js';
import { describeError, isUnauthenticated } from './errors.js';
import { ChatProvider } from './chat/chat-context.js';
import { HomePage } from './pages/home.js';
import { LandingPage } from './pages/landing.js';
import { LoginPage } from './pages/login.js';
import { NotFoundContent } from './pages/not-found.js';
import { SessionsPage } from './pages/sessions.js';
import { SignupPage } from './pages/signup.js';
import { navigate, usePath } from './router.js';
import { SessionContext, type SessionActions } from './session.js';

type Auth = { kind: 'loading' } | { kind: 'anonymous' } | { kind: 'user'; user: UserDto } | { kind: 'failed'; message: string };

const SIGNED_OUT_REASONS: Record<string, string> = {
  revoked: 'This session was signed out from another device. Log in again to continue.',
  'password-changed': 'Your password was changed on another device. Log in with the new password.',
  logout: 'You logged out in another tab.',
};

/** Replaces the current history entry (a redirect). */
function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

export function App() {
  const path = usePath();
  const [auth, setAuth] = useState<Auth>({ kind: 'loading' });
  const [notice, setNotice] = useState<string>();

  const openRealtime = useCallback((onGone: (notice: string) => void) => {
    client.connect().catch((err: unknown) => {
      // Without a live connection the app still works; a session that is gone signs the page out.
      if (isUnauthenticated(err)) onGone(describeError(err));
    });
  }, []);

  const signedOut = useCallback((message?: string) => {
    client.close();
    setAuth({ kind: 'anonymous' });
    setNotice(message);
    navigate(message ? '/login' : '/', { replace: message !== undefined });
  }, []);

  const signedIn = useCallback(
    (user: UserDto, connected = false) => {
      setNotice(undefined);
      setAuth({ kind: 'user', user });
      if (!connected) openRealtime(signedOut);
      navigate('/');
    },
    [openRealtime, signedOut],
  );

  const load = useCallback(() => {
    setAuth({ kind: 'loading' });
    client.me().then(
      (me) => {
        setAuth({ kind: 'user', user: me.user });
        openRealtime(signedOut);
      },
      (err: unknown) => setAuth(isUnauthenticated(err) ? { kind: 'anonymous' } : { kind: 'failed', message: describeError(err) }),
    );
  }, [openRealtime, signedOut]);

  useEffect(() => {
    load();
    const off = client.on('signedOut', (reason) => signedOut(SIGNED_OUT_REASONS[reason] ?? 'You were signed out.'));
    return () => {
      off();
      client.close();
    };
  }, [load, signedOut]);

  const actions = useMemo<SessionActions>(() => ({ signedIn, signedOut }), [signedIn, signedOut]);

  return (
    <SessionContext.Provider value={actions}>
      {testKdf && (
        <aside class="test-banner" aria-label="Test mode">
          Test mode: fast password hashing parameters are in use. Do not use real passwords.
        </aside>
      )}
      {renderPage(path, auth, notice, load)}
    </SessionContext.Provider>
  );
}

function renderPage(path: string, auth: Auth, notice: string | undefined, retry: () => void) {
  switch (auth.kind) {
    case 'loading':
      return (
        <main id="main" class="page page-narrow" aria-busy="true">
          <p class="loading">Loading Parley…</p>
        </main>
      );
    case 'failed':
      return (
        <PublicLayout>
          <PageHeading title="Parley is unavailable" />
          <p role="alert" class="alert alert-error">
            {auth.message}
          </p>
          <button type="button" class="button button-primary" onClick={retry}>
            Try again
          </button>
        </PublicLayout>
      );
    case 'anonymous':
      if (path === '/') return <LandingPage />;
      if (path === '/signup') return <SignupPage />;
      if (path === '/login') return <LoginPage notice={notice} />;
      if (path === '/sessions' || path.startsWith('/c/')) return <Redirect to="/login" />;
      return (
        <PublicLayout>
          <NotFoundContent />
        </PublicLayout>
      );
    case 'user':
      // One chat store for the whole signed-in visit, whichever page is shown.
      return (
        <ChatProvider key={auth.user.id} username={auth.user.username}>
          {userPage(path, auth.user)}
        </ChatProvider>
      );
  }
}

/** A conversation's address: /c/<id>. */
const CONVERSATION_PATH = /^\/c\/([0-9a-f-]{36})$/i;

function userPage(path: string, user: UserDto) {
  if (path === '/') return <HomePage user={user} />;
  const conversation = CONVERSATION_PATH.exec(path)?.[1];
  if (conversation) return <HomePage user={user} conversationId={conversation.toLowerCase()} />;
  if (path === '/sessions') return <SessionsPage user={user} />;
  if (path === '/signup' || path === '/login') return <Redirect to="/" />;
  return (
    <Shell user={user}>
      <NotFoundContent />
    </Shell>
  );
}
