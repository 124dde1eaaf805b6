import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import type { ContactDto, ContactState } from '../../sdk/index.js';
import { ErrorAlert } from '../components/messages.js';
import { navigate } from '../router.js';
import { AddContactForm } from './add-contact-form.js';
import { CountBadge } from './bits.js';
import { useChat, useStore } from './chat-context.js';
import { ContactItem } from './contact-item.js';
import type { Run } from './run.js';


function byState(contacts: Readonly<Record<string, ContactDto>>): Record<ContactState, ContactDto[]> {
  const out: Record<ContactState, ContactDto[]> = { accepted: [], incoming: [], outgoing: [], blocked: [], none: [] };
  for (const c of Object.values(contacts)) out[c.state].push(c);
  for (const list of Object.values(out)) list.sort((a, b) => a.username.localeCompare(b.username));
  return out;
}

/** Contacts, requests both ways and blocked users, with their actions. */
export function ContactsPanel({ onOpened }: { onOpened: () => void }) {
  const store = useStore();
  const contacts = useChat((s) => s.contacts);
  const loaded = useChat((s) => s.loaded);
  const lists = useMemo(() => byState(contacts), [contacts]);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();

  const run: Run = async (label, action) => {
    setBusy(label);
    setError(undefined);
    try {
      await action();
    } catch (err) {
      setError(store.failure(err));
    } finally {
      setBusy(undefined);
    }
  };

  const message = (username: string) =>
    run(`message:${username}`, async () => {
      const id = await store.social.openDirect(username);
      onOpened();
      navigate(`/c/${id}`);
    });

  const section = (id: string, title: string, items: ContactDto[], extra?: ComponentChildren) => (
    <section class="contact-section" aria-labelledby={id}>
      <h2 id={id} class="section-title">
        {title}
        {extra}
      </h2>
      <ul class="contact-list">
        {items.map((c) => (
          <ContactItem key={c.username} contact={c} busy={busy} run={run} onMessage={message} />
        ))}
      </ul>
    </section>
  );

  return (
    <div class="contacts-panel">
      <AddContactForm />
      <ErrorAlert message={error} />
      {lists.incoming.length > 0 &&
        section('incoming-heading', 'Requests', lists.incoming, <CountBadge count={lists.incoming.length} label="waiting" />)}
      {lists.accepted.length > 0 && section('accepted-heading', 'Contacts', lists.accepted)}
      {loaded && lists.accepted.length === 0 && (
        <p class="panel-empty">No contacts yet. Add someone by their user name above.</p>
      )}
      {lists.outgoing.length > 0 && section('outgoing-heading', 'Sent requests', lists.outgoing)}
      {lists.blocked.length > 0 && section('blocked-heading', 'Blocked', lists.blocked)}
    </div>
  );
}

