import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ErrorAlert } from '../components/messages.js';
import { navigate } from '../router.js';
import { useChat, useStore } from './chat-context.js';

/** A modal dialog: a group name and members picked from the accepted contacts. */
export function NewGroupDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    else if (!open && d.open) d.close();
  }, [open]);
  // The form exists only while the dialog is open: it starts empty each time.
  return (
    <dialog ref={dialog} class="dialog" aria-labelledby="new-group-title" onClose={onClose}>
      {open && <NewGroupForm onClose={onClose} />}
    </dialog>
  );
}

function NewGroupForm({ onClose }: { onClose: () => void }) {
  const store = useStore();
  const contacts = useChat((s) => s.contacts);
  const accepted = useMemo(
    () =>
      Object.values(contacts)
        .filter((c) => c.state === 'accepted')
        .map((c) => c.username)
        .sort(),
    [contacts],
  );
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const toggle = (username: string, on: boolean) => {
    const next = new Set(picked);
    if (on) next.add(username);
    else next.delete(username);
    setPicked(next);
  };

  const create = async (event: Event) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return setError('Give the group a name.');
    const members = accepted.filter((u) => picked.has(u));
    if (members.length === 0) return setError('Pick at least one contact.');
    setBusy(true);
    setError(undefined);
    try {
      const id = await store.social.createGroup(trimmed, members);
      onClose();
      navigate(`/c/${id}`);
    } catch (err) {
      setError(store.failure(err));
      setBusy(false);
    }
  };

  return (
    <form class="form dialog-form" onSubmit={(e) => void create(e)} noValidate>
      <h2 id="new-group-title">New group</h2>
      <div class="field">
        <label for="new-group-name">Group name</label>
        <input id="new-group-name" type="text" maxLength={64} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </div>
      <fieldset class="member-picker">
        <legend>Members</legend>
        {accepted.length === 0 ? (
          <p class="hint">You have no contacts yet: add some on the Contacts tab first.</p>
        ) : (
          accepted.map((u) => (
            <label key={u} class="check">
              <input type="checkbox" checked={picked.has(u)} onChange={(e) => toggle(u, e.currentTarget.checked)} />
              <span>{u}</span>
            </label>
          ))
        )}
      </fieldset>
      <ErrorAlert message={error} />
      <div class="dialog-actions">
        <button type="button" class="button button-secondary" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create group'}
        </button>
      </div>
    </form>
  );
}
