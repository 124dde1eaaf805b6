import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ConversationDto, Verification } from '../../sdk/index.js';
import { Link } from '../components/link.js';
import { usePageVisible } from '../hooks/use-page-visible.js';
import { MuteMenu } from '../notifications/mute-menu.js';
import { ConnectionBanner } from '../offline/offline-banner.js';
import { Avatar, PresenceDot } from './bits.js';
import { ProfileName } from '../profile/profile-name.js';
import { useChat, useStore } from './chat-context.js';
import { Composer } from './composer.js';
import { DisappearingMenu } from './disappearing-menu.js';
import { MembersPanel } from './members-panel.js';
import { MessageLog } from './message-log.js';
import { SecurityPanel } from './security-panel.js';
import { conversationTitle, directPeer } from './state.js';
import { TypingIndicator } from './typing-indicator.js';

/** One open conversation: header, messages, typing indicator, composer, and for groups the members panel. */
export function ChatView({ conversation, phone }: { conversation: ConversationDto; phone: boolean }) {
  const store = useStore();
  const id = conversation.id;
  const me = useChat((s) => s.me);
  const title = conversationTitle(conversation, me);
  const visible = usePageVisible();
  const [membersOpen, setMembersOpen] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const membersButton = useRef<HTMLButtonElement>(null);
  const closeMembers = () => {
    setMembersOpen(false);
    membersButton.current?.focus();
  };
  const peer = directPeer(conversation, me);
  const [securityOpen, setSecurityOpen] = useState(false);
  const [verification, setVerification] = useState<Verification>();
  const securityButton = useRef<HTMLButtonElement>(null);
  const closeSecurity = () => {
    setSecurityOpen(false);
    securityButton.current?.focus();
  };
  const keepVerification = useCallback((v: Verification) => setVerification(v), []);

  // The contact's verification state, and again whenever the client reports that their key changed.
  useEffect(() => {
    if (!peer) return;
    let live = true;
    const refresh = () =>
      void store.client.verification.get(peer).then(
        (v) => live && setVerification(v),
        () => undefined,
      );
    refresh();
    const off = store.client.on('identityChanged', (change) => change.username === peer && refresh());
    return () => {
      live = false;
      off();
    };
  }, [store, peer]);

  useEffect(() => {
    void store.messages.open(id);
  }, [store, id]);

  useEffect(() => {
    document.title = `${title} · Parley`;
    return () => {
      document.title = 'Conversations · Parley';
    };
  }, [title]);

  // On a phone the chat replaces the list: move the focus to its heading (on wider screens the composer takes it).
  useEffect(() => {
    if (phone) heading.current?.focus();
  }, [id, phone]);

  // Messages that arrive while the conversation is on screen are read.
  useEffect(() => {
    store.messages.setActive(visible ? id : undefined);
    return () => store.messages.setActive(undefined);
  }, [store, id, visible]);
  const timeline = useChat((s) => s.engine.windows[id]);
  const newest = timeline?.messages.findLast((m) => m.status === 'sent')?.seq ?? 0;
  useEffect(() => {
    if (visible && timeline?.status === 'ready' && newest > conversation.readSeq) void store.messages.markRead(id, newest);
  }, [store, id, visible, timeline?.status, newest, conversation.readSeq]);

  return (
    <section class="chat-view" aria-labelledby="chat-title">
      {/* On a phone the list, with the page's h1, is off screen: the page keeps an h1 for assistive technology. */}
      {phone && <h1 class="visually-hidden">Conversations</h1>}
      <header class="chat-header">
        <Link href="/" class="icon-button back-button">
          <span aria-hidden="true">←</span>
          <span class="visually-hidden">Back to conversations</span>
        </Link>
        <Avatar name={title} user={peer} group={conversation.kind === 'group'} />
        <div class="chat-heading">
          <h2 id="chat-title" ref={heading} tabIndex={-1}>
            {title}
            <ProfileName username={peer} />
          </h2>
          <ChatSubtitle conversation={conversation} />
        </div>
        <DisappearingMenu conversation={conversation} />
        <MuteMenu conversation={conversation} />
        {peer && (
          <button
            ref={securityButton}
            type="button"
            class={`button button-small button-secondary${verification?.keyChanged ? ' is-warning' : ''}`}
            aria-expanded={securityOpen}
            aria-controls="security-panel"
            onClick={() => setSecurityOpen(!securityOpen)}
          >
            {verification?.keyChanged ? '⚠ Key changed' : verification?.verified ? '✓ Verified' : 'Security'}
          </button>
        )}
        {conversation.kind === 'group' && (
          <button
            ref={membersButton}
            type="button"
            class="button button-small button-secondary"
            aria-expanded={membersOpen}
            aria-controls="members-panel"
            onClick={() => setMembersOpen(!membersOpen)}
          >
            Members
          </button>
        )}
      </header>
      {phone && <ConnectionBanner compact />}
      <div class="chat-body">
        <div class="chat-column">
          <MessageLog conversation={conversation} title={title} />
          <TypingIndicator conversationId={id} />
          <Composer conversationId={id} title={title} autoFocus={!phone} />
        </div>
        {conversation.kind === 'group' && membersOpen && (
          <MembersPanel conversation={conversation} onClose={closeMembers} />
        )}
        {peer && securityOpen && <SecurityPanel peer={peer} onClose={closeSecurity} onChange={keepVerification} />}
      </div>
    </section>
  );
}

function ChatSubtitle({ conversation }: { conversation: ConversationDto }) {
  const me = useChat((s) => s.me);
  const peer = directPeer(conversation, me);
  const contact = useChat((s) => (peer ? s.contacts[peer] : undefined));
  if (conversation.kind === 'group') {
    const names = conversation.members.map((m) => (m.username === me ? 'you' : m.username));
    return (
      <p class="chat-subtitle">
        {conversation.members.length} members: {names.join(', ')}
      </p>
    );
  }
  if (contact?.state !== 'accepted') return <p class="chat-subtitle">Not in your contacts</p>;
  return (
    <p class="chat-subtitle">
      <PresenceDot online={contact.online ?? false} />
      <span aria-hidden="true">{contact.online ? 'Online' : 'Offline'}</span>
    </p>
  );
}
