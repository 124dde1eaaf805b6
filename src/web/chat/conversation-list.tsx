import { noticeText } from './disappearing.js';
import { useMemo } from 'preact/hooks';
import type { ConversationDto, EngineMessage } from '../../sdk/index.js';
import { Link } from '../components/link.js';
import { Avatar, CountBadge, PresenceDot } from './bits.js';
import { ProfileName } from '../profile/profile-name.js';
import { useChat } from './chat-context.js';
import { conversationTitle, directPeer, sortConversations } from './state.js';
import { formatFull, formatListTime } from './time.js';
import { typingText } from './typing-indicator.js';

/** The user's conversations, most recent first, with unread counts; live. */
export function ConversationList({ activeId, onNewGroup }: { activeId: string | undefined; onNewGroup: () => void }) {
  const conversations = useChat((s) => s.conversations);
  const loaded = useChat((s) => s.loaded);
  const sorted = useMemo(() => sortConversations(conversations), [conversations]);

  return (
    <div class="conversation-panel">
      <div class="panel-toolbar">
        <button type="button" class="button button-secondary button-small" onClick={onNewGroup}>
          New group
        </button>
      </div>
      {!loaded && <p class="panel-empty loading">Loading conversations…</p>}
      {loaded && sorted.length === 0 && (
        <div class="panel-empty">
          <p class="panel-empty-title">Your conversations will appear here</p>
          <p>Add a contact on the Contacts tab; once they accept, choose Message to start chatting.</p>
        </div>
      )}
      {sorted.length > 0 && (
        <ul class="conversation-list" aria-label="Conversations">
          {sorted.map((c) => (
            <ConversationItem key={c.id} conversation={c} active={c.id === activeId} />
          ))}
        </ul>
      )}
    </div>
  );
}

function previewText(c: ConversationDto, preview: EngineMessage | undefined, me: string): string {
  if (!preview) return c.kind === 'group' ? `${c.members.length} members` : 'Direct conversation';
  if (preview.notice) return noticeText(preview.sender, preview.notice.seconds, me);
  const who = preview.sender === me ? 'You: ' : c.kind === 'group' ? `${preview.sender}: ` : '';
  const file = preview.attachments[0];
  const fileText = file ? (file.type.startsWith('image/') ? 'Photo' : file.name) : '';
  const text = preview.status === 'failed' ? `${preview.text || fileText} (not sent)` : preview.deleted ? 'Message deleted' : preview.decryptionError !== null ? 'Could not be decrypted' : preview.text || fileText;
  return `${who}${text}`;
}

function ConversationItem({ conversation: c, active }: { conversation: ConversationDto; active: boolean }) {
  const me = useChat((s) => s.me);
  const peer = directPeer(c, me);
  const contact = useChat((s) => (peer ? s.contacts[peer] : undefined));
  const preview = useChat((s) => s.engine.conversations[c.id]?.preview);
  const typing = useChat((s) => s.typing[c.id]);
  const title = conversationTitle(c, me);
  const typists = typing ? Object.keys(typing) : [];
  return (
    <li>
      <Link href={`/c/${c.id}`} class={`conversation-item${c.unread > 0 ? ' has-unread' : ''}`} current={active}>
        <Avatar name={title} user={peer} group={c.kind === 'group'} />
        <span class="conversation-body">
          <span class="conversation-top">
            <span class="conversation-name">
              {title}
              <ProfileName username={peer} />
            </span>
            {contact?.state === 'accepted' && <PresenceDot online={contact.online ?? false} />}
            <time class="conversation-time" dateTime={c.lastActivityAt} title={formatFull(c.lastActivityAt)}>
              {formatListTime(c.lastActivityAt)}
            </time>
          </span>
          <span class="conversation-bottom">
            <span class={`conversation-preview${typists.length > 0 ? ' is-typing' : ''}`}>
              {typists.length > 0 ? typingText(typists) : previewText(c, preview, me)}
            </span>
            <CountBadge count={c.unread} label="unread" />
          </span>
        </span>
      </Link>
    </li>
  );
}
