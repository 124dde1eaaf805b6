import type { ConversationDto } from '../../sdk/index.js';
import type { ChatStoreHandle } from './store-handle.js';

/** How many conversations get their newest message fetched for the list's preview line. */
const PREVIEWS_LOADED = 40;

function byKey<T>(items: readonly T[], key: (item: T) => string): Record<string, T> {
  return Object.fromEntries(items.map((item) => [key(item), item]));
}

/** Fetching the lists: at start, after a reconnect, and when the user retries. */
export class Sync {
  constructor(private readonly store: ChatStoreHandle) {}

  /** Fetches contacts and conversations (at start, after a reconnect, and on Retry). */
  async reload(): Promise<void> {
    try {
      const { client } = this.store;
      const [contacts, conversations] = await Promise.all([client.contacts.list(), client.conversations.list()]);
      this.store.update((s) => {
        const ids = new Set(conversations.map((c) => c.id));
        const keep = <T>(record: Readonly<Record<string, T>>) =>
          Object.fromEntries(Object.entries(record).filter(([id]) => ids.has(id)));
        return {
          ...s,
          loaded: true,
          loadError: undefined,
          connected: this.store.client.connected,
          contacts: byKey(
            contacts.filter((c) => c.state !== 'none'),
            (c) => c.username,
          ),
          conversations: byKey(conversations, (c) => c.id),
          timelines: keep(s.timelines),
          previews: keep(s.previews),
        };
      });
      await this.loadPreviews(conversations);
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

  /** The newest message of the most recent conversations, for the list's preview line (a few requests at a time). */
  private async loadPreviews(conversations: readonly ConversationDto[]): Promise<void> {
    const queue = conversations
      .filter((c) => c.lastSeq > c.joinedSeq && !this.store.getState().previews[c.id])
      .sort((a, b) => Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt))
      .slice(0, PREVIEWS_LOADED);
    const worker = async () => {
      for (let c = queue.shift(); c && !this.store.disposed; c = queue.shift()) {
        const newest = await this.store.client.messages.page(c.id, { limit: 1 }).then(
          (page) => page.messages[page.messages.length - 1],
          () => undefined,
        );
        if (newest) this.store.notePreview(newest);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }
}
