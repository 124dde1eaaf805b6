import { useMemo, useState } from 'preact/hooks';
import type { ConversationDto } from '../../sdk/index.js';
import { useChat, useStore } from './chat-context.js';

interface Props {
  conversation: ConversationDto;
  busy: boolean;
  run: (action: () => Promise<unknown>) => Promise<void>;
}

/** Admins add one of their accepted contacts who is not yet a member. */
export function AddMemberForm({ conversation, busy, run }: Props) {
  const store = useStore();
  const contacts = useChat((s) => s.contacts);
  const candidates = useMemo(() => {
    const members = new Set(conversation.members.map((m) => m.username));
    return Object.values(contacts)
      .filter((c) => c.state === 'accepted' && !members.has(c.username))
      .map((c) => c.username)
      .sort();
  }, [contacts, conversation.members]);
  const [choice, setChoice] = useState('');
  const selected = candidates.includes(choice) ? choice : (candidates[0] ?? '');

  if (candidates.length === 0) {
    return <p class="hint group-form">All your contacts are in this group.</p>;
  }
  return (
    <form
      class="group-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (selected) void run(() => store.social.addMember(conversation.id, selected));
      }}
    >
      <label for="add-member">Add a contact</label>
      <div class="inline-field">
        <select id="add-member" value={selected} onChange={(e) => setChoice(e.currentTarget.value)}>
          {candidates.map((u) => (
            <option key={u} value={u}>
              {u}
            </option>
          ))}
        </select>
        <button type="submit" class="button button-small button-primary" disabled={busy}>
          Add
        </button>
      </div>
    </form>
  );
}

/** Admins rename the group. */
export function RenameForm({ conversation, busy, run }: Props) {
  const store = useStore();
  const [name, setName] = useState(conversation.name ?? '');
  const trimmed = name.trim();
  return (
    <form
      class="group-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (trimmed && trimmed !== conversation.name) void run(() => store.social.rename(conversation.id, trimmed));
      }}
    >
      <label for="rename-group">Group name</label>
      <div class="inline-field">
        <input id="rename-group" type="text" maxLength={64} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <button type="submit" class="button button-small button-secondary" disabled={busy || !trimmed || trimmed === conversation.name}>
          Rename
        </button>
      </div>
    </form>
  );
}
