import { useState } from 'preact/hooks';
import { ErrorAlert, StatusMessage } from '../components/messages.js';
import { useChat, useStore } from './chat-context.js';

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/;

/**
 * Sends a contact request by user name. The server answers the same for a name with no account (it reveals no
 * user's existence): the form says the request was sent either way.
 */
export function AddContactForm() {
  const store = useStore();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  /** The name a request was just sent to: once they accept (live, from the server), "Request sent" is no longer true. */
  const [requestedTo, setRequestedTo] = useState<string>();
  const accepted = useChat((s) => requestedTo !== undefined && s.contacts[requestedTo]?.state === 'accepted');

  const submit = async (event: Event) => {
    event.preventDefault();
    const username = name.trim();
    setError(undefined);
    setStatus(undefined);
    setRequestedTo(undefined);
    if (!USERNAME.test(username)) {
      setError('User names are 3–32 characters: letters, digits, "_", "." and "-".');
      return;
    }
    if (username.toLowerCase() === store.getState().me.toLowerCase()) {
      setError('That is you. Enter the user name of someone else.');
      return;
    }
    setBusy(true);
    try {
      const contact = await store.social.request(username);
      setName('');
      if (contact.state !== 'accepted') setRequestedTo(contact.username);
      setStatus(
        contact.state === 'accepted'
          ? `${contact.username} is now a contact.`
          : `Request sent to ${contact.username}. They appear under Contacts once they accept.`,
      );
    } catch (err) {
      setError(store.failure(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="add-contact" onSubmit={(e) => void submit(e)} noValidate>
      <label for="add-contact-name">Add a contact</label>
      <div class="inline-field">
        <input
          id="add-contact-name"
          type="text"
          autocomplete="off"
          autocapitalize="none"
          spellcheck={false}
          placeholder="User name"
          value={name}
          maxLength={32}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <button type="submit" class="button button-primary button-small" disabled={busy || name.trim() === ''}>
          {busy ? 'Sending…' : 'Send request'}
        </button>
      </div>
      <ErrorAlert message={error} />
      <StatusMessage message={accepted ? undefined : status} />
    </form>
  );
}
