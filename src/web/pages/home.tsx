import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { UserDto } from '../../sdk/index.js';
import { useChat, useStore } from '../chat/chat-context.js';
import { ChatView } from '../chat/chat-view.js';
import { ContactsPanel } from '../chat/contacts-panel.js';
import { ConversationList } from '../chat/conversation-list.js';
import { NewGroupDialog } from '../chat/new-group-dialog.js';
import { SidebarTabs, type SidebarTab } from '../chat/sidebar-tabs.js';
import { PageHeading } from '../components/page-heading.js';
import { Shell } from '../components/shell.js';
import { PHONE_QUERY, useMediaQuery } from '../hooks/use-media-query.js';
import { SearchPanel } from '../search/search-panel.js';
import { ConnectionBanner } from '../offline/offline-banner.js';
import { navigate } from '../router.js';

/**
 * The chat app: the sidebar (conversations | contacts) and the open conversation. On a phone width they are
 * separate screens: the list at /, the conversation at /c/:id with a back button.
 */
export function HomePage({ user, conversationId }: { user: UserDto; conversationId?: string }) {
  const store = useStore();
  const phone = useMediaQuery(PHONE_QUERY);
  const [tab, setTab] = useState<SidebarTab>('chats');
  const [groupDialog, setGroupDialog] = useState(false);
  const conversations = useChat((s) => s.conversations);
  const contacts = useChat((s) => s.contacts);
  const loaded = useChat((s) => s.loaded);
  const loadError = useChat((s) => s.loadError);
  const notice = useChat((s) => s.removedNotice);
  const offline = useChat((s) => s.offline === true);
  const conversation = conversationId ? conversations[conversationId] : undefined;

  const unread = useMemo(() => Object.values(conversations).reduce((n, c) => n + c.unread, 0), [conversations]);
  const requests = useMemo(() => Object.values(contacts).filter((c) => c.state === 'incoming').length, [contacts]);

  // A conversation that is gone (left, removed, or a stale link): back to the list.
  useEffect(() => {
    if (loaded && !loadError && conversationId && !conversation) navigate('/', { replace: true });
  }, [loaded, loadError, conversationId, conversation]);

  // Back to the list (the back button, or the conversation went away): the focus goes to the page heading.
  const previous = useRef(conversationId);
  useEffect(() => {
    if (previous.current && !conversationId) document.getElementById('home-heading')?.focus();
    previous.current = conversationId;
  }, [conversationId]);

  return (
    <Shell user={user} layout="app">
      <div class={`chat-app ${conversationId ? 'is-chat-open' : 'is-list-open'}`}>
        <aside class="chat-sidebar" aria-labelledby="home-heading">
          <PageHeading title="Conversations" id="home-heading" class="sidebar-heading" />
          <ConnectionBanner />
          {loadError && !offline && (
            <div class="alert alert-error connection-error" role="alert">
              <p>{loadError}</p>
              <button type="button" class="button button-small button-secondary" onClick={() => void store.sync.reconnect()}>
                Try again
              </button>
            </div>
          )}
          {notice && (
            <div class="alert alert-ok chat-notice" role="status">
              <span>{notice}</span>
              <button type="button" class="button button-small button-secondary" onClick={() => store.dismissNotice()}>
                Dismiss
              </button>
            </div>
          )}
          <SearchPanel conversationId={conversationId} />
          <SidebarTabs
            tab={tab}
            onTab={setTab}
            unread={unread}
            requests={requests}
            chats={<ConversationList activeId={conversationId} onNewGroup={() => setGroupDialog(true)} />}
            contacts={<ContactsPanel onOpened={() => setTab('chats')} />}
          />
        </aside>
        <div class="chat-main">
          {conversation ? (
            <ChatView key={conversation.id} conversation={conversation} phone={phone} />
          ) : (
            <div class="chat-placeholder">
              <p class="placeholder-title">Pick a conversation</p>
              <p>Choose a conversation on the left, or start one from your contacts with Message.</p>
            </div>
          )}
        </div>
      </div>
      <NewGroupDialog open={groupDialog} onClose={() => setGroupDialog(false)} />
    </Shell>
  );
}
