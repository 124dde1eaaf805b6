import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { UserDto } from '../sdk/index.js';
import { getClient, loadedClient } from './client-loader.js';
import { PageHeading } from './components/page-heading.js';
import { PublicLayout } from './components/public-layout.js';
import { describeError, isUnauthenticated } from './errors.js';
import { useLazy } from './hooks/use-lazy.js';
import { LandingPage } from './pages/landing.js';
import { LoginPage } from './pages/login.js';
import { NotFoundContent } from './pages/not-found.js';
import { UpdatePrompt } from './pwa/update-prompt.js';
import { navigate, usePath } from './router.js';
import { probeSession } from './session-probe.js';
import { SessionContext, type SessionActions } from './session.js';
import { runSignOutCleanups } from './sign-out-cleanup.js';
import type { RecoverPage } from './pages/recover.js';
import type { SignupPage } from './pages/signup.js';
import type * as SignedInModule from './signed-in.js';
import { testModeRequested } from './test-mode.js';

type Auth =
  | { kind: 'loading' }
  | { kind: 'anonymous' }
  | { kind: 'user'; user: UserDto; pages: typeof SignedInModule.SignedInPages }
  | { kind: 'failed'; message: string };

const SIGNED_OUT_REASONS: Record<string, string> = {
  revoked: 'This session was signed out from another device. Log in again to continue.',
  'password-changed': 'Your password was changed on another device. Log in with the new password.',
  logout: 'You logged out in another tab.',
  deleted: 'This account was deleted.',
};

/** The signed-in pages and the SDK client, loaded together (a chunk the signed-out first load does not fetch). */
async function loadSignedIn(): Promise<typeof SignedInModule> {
  const [pages] = await Promise.all([import('./signed-in.js'), getClient()]);
  return pages;
}

/** Reading offline: the sealed snapshot's store (a chunk of its own, loaded when the server cannot be reached or at log-out). */
const loadOfflineBoot = () => import('./offline/offline-boot.js');

const isNetwork = (err: unknown) => err instanceof Error && 'code' in err && err.code === 'NETWORK';

/** The sign-up page carries the user-name schema (zod) and the strength meter: not part of the log-in page's load. */
const loadSignupPage = () => import('./pages/signup.js').then((m) => m.SignupPage);
/** The recovery page (a forgotten password) comes with the strength meter too: loaded when shown. */
const loadRecoverPage = () => import('./pages/recover.js').then((m) => m.RecoverPage);

/** Replaces the current history entry (a redirect). */
function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

export function App() {
  const path = usePath();
  const [auth, setAuth] = useState<Auth>({ kind: 'loading' });
  const [notice, setNotice] = useState<string>();

  const signedOut = useCallback((message?: string) => {
    loadedClient()?.close();
    runSignOutCleanups();
    // What the app kept for reading offline (sealed) goes with the session.
    void loadOfflineBoot().then((offline) => offline.eraseOffline(), () => undefined);
    setAuth({ kind: 'anonymous' });
    setNotice(message);
    navigate(message ? '/login' : '/', { replace: message !== undefined });
  }, []);

  const openRealtime = useCallback(() => {
    void getClient().then((client) =>
      client.connect().catch((err: unknown) => {
        // Without a live connection the app still works; a session that is gone signs the page out.
        if (isUnauthenticated(err)) signedOut(describeError(err));
      }),
    );
  }, [signedOut]);

  const failed = useCallback((err: unknown) => setAuth({ kind: 'failed', message: describeError(err) }), []);

  const signedIn = useCallback(
    (user: UserDto, connected = false) => {
      setNotice(undefined);
      loadSignedIn().then((pages) => {
        setAuth({ kind: 'user', user, pages: pages.SignedInPages });
        if (!connected) openRealtime();
        navigate('/');
      }, failed);
    },
    [openRealtime, failed],
  );

  const load = useCallback(() => {
    setAuth({ kind: 'loading' });
    probeSession()
      .then(async (probe) => {
        if (!probe.signedIn) return setAuth({ kind: 'anonymous' });
        const pages = await loadSignedIn();
        setAuth({ kind: 'user', user: pages.parseSessionProbe(probe.answer), pages: pages.SignedInPages });
        openRealtime();
      })
      .catch(async (err: unknown) => {
        // No server: the pages of the user last signed in here, from their sealed snapshot (marked offline).
        const user = isNetwork(err) ? await loadOfflineBoot().then((offline) => offline.offlineUser()).catch(() => undefined) : undefined;
        if (!user) return failed(err);
        const pages = await loadSignedIn().catch(() => undefined);
        if (!pages) return failed(err);
        setAuth({ kind: 'user', user, pages: pages.SignedInPages });
      });
  }, [openRealtime, failed]);

  useEffect(() => {
    load();
    return () => loadedClient()?.close();
  }, [load]);

  // Another tab's log-out, a revoked session, a password changed elsewhere: once the client is there.
  const signedInNow = auth.kind === 'user';
  useEffect(() => {
    if (!signedInNow) return;
    let off: (() => void) | undefined;
    let gone = false;
    void getClient().then((client) => {
      if (gone) return;
      off = client.on('signedOut', (reason) => signedOut(SIGNED_OUT_REASONS[reason] ?? 'You were signed out.'));
    });
    return () => {
      gone = true;
      off?.();
    };
  }, [signedInNow, signedOut]);

  const signup = useLazy(loadSignupPage, auth.kind === 'anonymous' && path === '/signup');
  const recover = useLazy(loadRecoverPage, auth.kind === 'anonymous' && path === '/recover');

  const actions = useMemo<SessionActions>(() => ({ signedIn, signedOut }), [signedIn, signedOut]);

  return (
    <SessionContext.Provider value={actions}>
      {testModeRequested && (
        <aside class="test-banner" aria-label="Test mode">
          Test mode: fast password hashing parameters are in use. Do not use real passwords.
        </aside>
      )}
      {renderPage(path, auth, notice, load, signup, recover)}
      <UpdatePrompt />
    </SessionContext.Provider>
  );
}

type Lazy<T> = { value: T | undefined; error: unknown };

function Loading() {
  return (
    <main id="main" class="page page-narrow" aria-busy="true">
      <p class="loading">Loading Parley…</p>
    </main>
  );
}

function renderPage(
  path: string,
  auth: Auth,
  notice: string | undefined,
  retry: () => void,
  signup: Lazy<typeof SignupPage>,
  recover: Lazy<typeof RecoverPage>,
) {
  switch (auth.kind) {
    case 'loading':
      return <Loading />;
    case 'failed':
      return <Unavailable message={auth.message} retry={retry} />;
    case 'anonymous':
      if (path === '/') return <LandingPage />;
      if (path === '/signup') {
        if (signup.error) return <Unavailable message={describeError(signup.error)} retry={() => location.reload()} />;
        return signup.value ? <signup.value /> : <Loading />;
      }
      if (path === '/recover') {
        if (recover.error) return <Unavailable message={describeError(recover.error)} retry={() => location.reload()} />;
        return recover.value ? <recover.value /> : <Loading />;
      }
      if (path === '/login') return <LoginPage notice={notice} />;
      if (path === '/sessions' || path === '/settings' || path.startsWith('/c/')) return <Redirect to="/login" />;
      return (
        <PublicLayout>
          <NotFoundContent />
        </PublicLayout>
      );
    case 'user':
      if (path === '/signup' || path === '/login' || path === '/recover') return <Redirect to="/" />;
      return <auth.pages path={path} user={auth.user} />;
  }
}

function Unavailable({ message, retry }: { message: string; retry: () => void }) {
  // The app itself opens offline (the service worker keeps it); what it cannot do offline is ask the server.
  const offline = !navigator.onLine;
  return (
    <PublicLayout>
      <PageHeading title={offline ? 'You are offline' : 'Parley is unavailable'} />
      {offline && <p>Parley needs the network to sign you in and to send and receive messages. Try again once you are back online.</p>}
      <p role="alert" class="alert alert-error">
        {message}
      </p>
      <button type="button" class="button button-primary" onClick={retry}>
        Try again
      </button>
    </PublicLayout>
  );
}
