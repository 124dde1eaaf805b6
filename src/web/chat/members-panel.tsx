import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConversationDto, MemberDto, Role } from '../../sdk/index.js';
import { ErrorAlert } from '../components/messages.js';
import { Avatar } from './bits.js';
import { ProfileName } from '../profile/profile-name.js';
import { useChat, useStore } from './chat-context.js';
import { AddMemberForm, RenameForm } from './group-settings.js';

const ROLE_ORDER: Record<Role, number> = { owner: 0, admin: 1, member: 2 };
const ROLE_LABEL: Record<Role, string> = { owner: 'Owner', admin: 'Admin', member: 'Member' };

/** A group's members with their roles, and what the user's role allows: add, remove, promote, rename, leave. */
export function MembersPanel({ conversation, onClose }: { conversation: ConversationDto; onClose: () => void }) {
  const store = useStore();
  const me = useChat((s) => s.me);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [confirmLeave, setConfirmLeave] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const id = conversation.id;
  const isOwner = conversation.myRole === 'owner';
  const isAdmin = isOwner || conversation.myRole === 'admin';
  const members = [...conversation.members].sort(
    (a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.username.localeCompare(b.username),
  );

  useEffect(() => heading.current?.focus(), []);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (err) {
      setError(store.failure(err));
    } finally {
      setBusy(false);
    }
  };

  const canRemove = (m: MemberDto) => isAdmin && m.username !== me && m.role !== 'owner' && (m.role !== 'admin' || isOwner);

  return (
    <aside
      id="members-panel"
      class="members-panel"
      aria-labelledby="members-heading"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <div class="members-head">
        <h3 id="members-heading" ref={heading} tabIndex={-1}>
          Members ({conversation.members.length})
        </h3>
        <button type="button" class="button button-small button-secondary" onClick={onClose}>
          Close<span class="visually-hidden"> members</span>
        </button>
      </div>
      <ErrorAlert message={error} />
      <ul class="member-list">
        {members.map((m) => (
          <li key={m.username} class="member-item">
            <Avatar name={m.username} user={m.username} size="small" />
            <span class="member-name">
              {m.username}
              <ProfileName username={m.username} />
              {m.username === me && <span class="member-you"> (you)</span>}
            </span>
            {m.role !== 'member' && <span class={`role-badge role-${m.role}`}>{ROLE_LABEL[m.role]}</span>}
            <span class="member-actions">
              {isOwner && m.role !== 'owner' && (
                <button
                  type="button"
                  class="button button-small button-secondary"
                  disabled={busy}
                  onClick={() => void run(() => store.social.setRole(id, m.username, m.role === 'admin' ? 'member' : 'admin'))}
                >
                  {m.role === 'admin' ? 'Remove admin' : 'Make admin'}
                  <span class="visually-hidden"> {m.username}</span>
                </button>
              )}
              {canRemove(m) && (
                <button
                  type="button"
                  class="button button-small button-danger"
                  disabled={busy}
                  onClick={() => void run(() => store.social.removeMember(id, m.username))}
                >
                  Remove<span class="visually-hidden"> {m.username} from the group</span>
                </button>
              )}
            </span>
          </li>
        ))}
      </ul>
      {isAdmin && <AddMemberForm conversation={conversation} busy={busy} run={run} />}
      {isAdmin && <RenameForm conversation={conversation} busy={busy} run={run} />}
      <div class="leave-group">
        {confirmLeave ? (
          <>
            <p class="confirm-text">Leave {conversation.name}? You will no longer see its messages.</p>
            <button type="button" class="button button-small button-danger" disabled={busy} onClick={() => void run(() => store.social.leave(id))}>
              Yes, leave
            </button>
            <button type="button" class="button button-small button-secondary" onClick={() => setConfirmLeave(false)}>
              Stay
            </button>
          </>
        ) : (
          <button type="button" class="button button-small button-danger" onClick={() => setConfirmLeave(true)}>
            Leave group
          </button>
        )}
      </div>
    </aside>
  );
}
