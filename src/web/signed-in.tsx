// Must stay the first import: it configures zod before the protocol schemas are built (this chunk brings them).
import './zod-config.js';
import { SessionProbeResponse } from '../protocol/auth.js';
import type { UserDto } from '../sdk/index.js';
import { ParleyError } from '../sdk/errors.js';
import { ChatProvider } from './chat/chat-context.js';
import { Shell } from './components/shell.js';
import { HomePage } from './pages/home.js';
import { NotFoundContent } from './pages/not-found.js';
import { SessionsPage } from './pages/sessions.js';
import { DesktopNotifier } from './notifications/desktop-notifier.js';
import { SettingsPage } from './settings/settings-page.js';
import { UnreadBadge } from './tab-badge/unread-badge.js';

/** A conversation's address: /c/<id>. */
const CONVERSATION_PATH = /^\/c\/([0-9a-f-]{36})$/i;

/**
 * The signed-in pages, a chunk of their own (with the SDK client and the chat store): a signed-out first load does
 * not download them. One chat store for the whole signed-in visit, whichever page is shown.
 */
export function SignedInPages({ path, user }: { path: string; user: UserDto }) {
  return (
    <ChatProvider key={user.id} username={user.username}>
      <UnreadBadge />
      <DesktopNotifier />
      {userPage(path, user)}
    </ChatProvider>
  );
}

function userPage(path: string, user: UserDto) {
  if (path === '/') return <HomePage user={user} />;
  const conversation = CONVERSATION_PATH.exec(path)?.[1];
  if (conversation) return <HomePage user={user} conversationId={conversation.toLowerCase()} />;
  if (path === '/sessions') return <SessionsPage user={user} />;
  if (path === '/settings') return <SettingsPage user={user} />;
  return (
    <Shell user={user}>
      <NotFoundContent />
    </Shell>
  );
}

/** The signed-in answer of GET /api/auth/session, parsed by its protocol schema. */
export function parseSessionProbe(answer: unknown): UserDto {
  const parsed = SessionProbeResponse.safeParse(answer);
  if (!parsed.success || !parsed.data.user) throw new ParleyError('BAD_RESPONSE', 'The server sent an unexpected answer.');
  return parsed.data.user;
}
