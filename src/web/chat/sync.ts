import type { ChatStoreHandle } from './store-handle.js';

/**
 * Fetching the contacts: at start, after a reconnect, and when the user retries. Conversations and their messages are
 * fetched and caught up by the SDK's conversation engine at every connection.
 */
export class Sync {
  constructor(private readonly store: ChatStoreHandle) {}

  async reload(): Promise<void> {
    try {
      const { client } = this.store;
      const contacts = await client.contacts.list();
      this.store.update((s) => ({
        ...s,
        contactsLoaded: true,
        loaded: s.engine.loaded,
        loadError: undefined,
        connected: client.connected,
        contacts: Object.fromEntries(contacts.filter((c) => c.state !== 'none').map((c) => [c.username, c])),
      }));
    } catch (err) {
      const message = this.store.failure(err, {
        NOT_CONNECTED: 'Could not connect to the Parley server.',
        NETWORK: 'Could not reach the Parley server.',
      });
      this.store.update((s) => ({ ...s, loadError: message }));
    }
  }

  /** Opens a new connection (after it failed for good) and fetches everything again. */
  async reconnect(): Promise<void> {
    this.store.update((s) => ({ ...s, loadError: undefined }));
    try {
      await this.store.client.connect();
    } catch (err) {
      const message = this.store.failure(err);
      this.store.update((s) => ({ ...s, loadError: message }));
      return;
    }
    await this.reload();
  }
}
