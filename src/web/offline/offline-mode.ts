import type { EngineState } from '../../sdk/index.js';
import type { ChatStoreHandle } from '../chat/store-handle.js';
import { withEngine, type ChatState } from '../chat/state.js';
import { readOutbox, readSnapshot, saveSnapshot, updateOutbox, wasOpenedOffline } from './offline-store.js';
import { snapshotState, takeSnapshot, type OfflineSnapshot, type OutboxEntry } from './snapshot.js';

/** How long after a change the snapshot is sealed again (changes meanwhile join that save). */
const SAVE_AFTER_MS = 500;
/** How often a page opened from the snapshot tries to reach the server again. */
const RETRY_EVERY_MS = 2_000;
/** How long a page that was connected stays disconnected before it says it is offline (a browser `offline` is at once). */
const OFFLINE_AFTER_MS = 4_000;

/**
 * Reading and writing without the network, for one signed-in chat store:
 * - online, the engine's state is sealed as the snapshot (offline-store.ts) each time it settles;
 * - a page opened without the server shows the snapshot (`offline: true`) and tries to connect every 2 s;
 * - a page already open that loses the network (the browser's `offline` event, or 4 s disconnected: a server that is
 *   down too) keeps showing what it has, marked `offline: true`; its socket reconnects by itself (no second
 *   connection), and the mark goes once it is back;
 * - a message written while offline goes to the sealed outbox under its idempotency key, and is sent once the
 *   connection is back (the server stores a key once: a reload in between, or a second attempt, adds no copy).
 */
export class OfflineMode {
  private previous: OfflineSnapshot | undefined;
  private outbox: OutboxEntry[] = [];
  /** The page shows the snapshot, not the engine (until the engine has loaded from the server). */
  private showing = false;
  /** Outbox items this page has handed to the engine (they are not handed over twice). */
  private readonly inFlight = new Set<string>();
  private flushed = false;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Runs while a page that was connected is disconnected: at its end the page goes offline. */
  private dropTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setInterval> | undefined;
  private connecting = false;
  private saved: { engine: EngineState; contacts: unknown } | undefined;
  private readonly offs: (() => void)[] = [];
  private stopped = false;
  /** The sealed snapshot and outbox have been read. */
  private ready = false;

  constructor(
    private readonly store: ChatStoreHandle,
    private readonly me: string,
    /** Fetches the contacts again (after the connection came back). */
    private readonly reloadContacts: () => Promise<void>,
  ) {}

  start(): void {
    this.offs.push(this.store.subscribe(() => this.changed()));
    const online = () => {
      void this.tryConnect();
      this.changed();
    };
    const offline = () => this.goOffline();
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    this.offs.push(() => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
    });
    void Promise.all([readSnapshot(this.me), readOutbox(this.me)]).then(([snapshot, outbox]) => {
      if (this.stopped) return;
      this.previous = snapshot;
      this.outbox = outbox;
      this.ready = true;
      const s = this.store.getState();
      // Only a page opened without the server shows the snapshot (one that is connecting shows the engine's state).
      if (snapshot && wasOpenedOffline() && !this.store.client.connected && !s.engine.loaded) this.show(snapshot);
      this.changed();
    }, () => undefined);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.saveTimer);
    clearTimeout(this.dropTimer);
    clearInterval(this.retryTimer);
    for (const off of this.offs.splice(0)) off();
  }

  /** The engine published `engine`: false when the page should render it, true while the snapshot stands in for it. */
  holds(engine: EngineState): boolean {
    if (!this.showing) return false;
    if (!engine.loaded) return true;
    // The engine has loaded from the server: it takes over.
    this.showing = false;
    clearInterval(this.retryTimer);
    this.store.update((s) => ({ ...s, offline: false, loadError: undefined }));
    return false;
  }

  /**
   * A message the user wrote: while connected, false (the engine sends it); otherwise it is sealed in the outbox and
   * shown as waiting, and handed to the engine at once if this page has a connection to come back to.
   */
  send(conversationId: string, text: string): boolean {
    const s = this.store.getState();
    if (s.connected && !s.offline) return false;
    const entry: OutboxEntry = { localId: crypto.randomUUID(), conversationId, text, createdAt: new Date().toISOString() };
    this.outbox = [...this.outbox, entry];
    const kept = updateOutbox(this.me, (items) => [...items, entry]);
    if (this.showing && this.previous) this.show(this.previous);
    // A page that was online keeps its engine: the engine's echo waits there and goes out on reconnect.
    else void kept.then(() => this.hand(entry), () => this.hand(entry));
    return true;
  }

  private show(snapshot: OfflineSnapshot): void {
    this.showing = true;
    const engine = snapshotState(snapshot, this.outbox, this.me);
    this.store.update((s) => ({
      ...withEngine({ ...s, contactsLoaded: true }, engine),
      // Nobody's presence is known offline.
      contacts: Object.fromEntries(snapshot.contacts.map((c) => [c.username, { ...c, online: false }])),
      offline: true,
      loadError: undefined,
    }));
    this.retryTimer ??= setInterval(() => void this.tryConnect(), RETRY_EVERY_MS);
  }

  private async tryConnect(): Promise<void> {
    if (!this.showing || this.connecting || this.stopped) return;
    this.connecting = true;
    try {
      await this.store.client.connect();
      await this.reloadContacts();
      const active = this.store.getState().activeId;
      if (active && this.store.client.engine.getState().windows[active]?.status !== 'ready') {
        await this.store.client.engine.open(active).catch(() => undefined);
      }
    } catch (err) {
      // Still offline; a session that ended meanwhile signs the page out.
      this.store.failure(err);
    } finally {
      this.connecting = false;
    }
  }

  /**
   * A page showing the engine's state (it has loaded from the server) and not connected: offline once the browser
   * says so or after OFFLINE_AFTER_MS; connected again (and the browser online): no longer offline. A page still
   * connecting at start has not loaded: it is left to its connection (and its error, if that fails).
   */
  private followConnection(s: ChatState): void {
    if (this.showing || this.stopped) return;
    if (s.connected) {
      clearTimeout(this.dropTimer);
      this.dropTimer = undefined;
      if (s.offline && navigator.onLine) this.store.update((x) => ({ ...x, offline: false }));
      return;
    }
    if (s.offline || !s.engine.loaded) return;
    if (!navigator.onLine) this.goOffline();
    else this.dropTimer ??= setTimeout(() => {
      this.dropTimer = undefined;
      this.goOffline();
    }, OFFLINE_AFTER_MS);
  }

  /** The page, open with the engine's state, goes on without the server: the same state, marked offline. */
  private goOffline(): void {
    const s = this.store.getState();
    if (this.showing || this.stopped || s.offline || !s.engine.loaded || (s.connected && navigator.onLine)) return;
    clearTimeout(this.dropTimer);
    this.dropTimer = undefined;
    this.store.update((x) => ({
      ...x,
      offline: true,
      // Nobody's presence is known offline (the contacts are fetched again on reconnect).
      contacts: Object.fromEntries(Object.entries(x.contacts).map(([name, c]) => [name, { ...c, online: false }])),
    }));
  }

  private changed(): void {
    this.followConnection(this.store.getState());
    // Read after: following the connection may have changed the state (and run this again, inside).
    const s = this.store.getState();
    if (!s.connected) this.flushed = false;
    if (!this.ready || s.offline || !s.connected || !s.engine.loaded || this.showing) return;
    if (!this.flushed) {
      this.flushed = true;
      this.flush();
    }
    if (this.saved?.engine === s.engine && this.saved.contacts === s.contacts) return;
    // At most one save per half second, and never more than that after a change (a busy page is not put off).
    this.saveTimer ??= setTimeout(() => {
      this.saveTimer = undefined;
      this.save();
    }, SAVE_AFTER_MS);
  }

  private save(): void {
    const s = this.store.getState();
    const user = this.store.client.user;
    if (this.stopped || !user || user.username !== this.me || !s.connected || !s.engine.loaded) return;
    this.saved = { engine: s.engine, contacts: s.contacts };
    const snapshot = takeSnapshot(this.previous, s.engine, Object.values(s.contacts));
    this.previous = snapshot;
    // When the last snapshot was sealed and how many messages it holds, on the page (no content): what a test waits
    // for before it cuts the network.
    const count = String(Object.values(snapshot.windows).reduce((n, w) => n + w.length, 0));
    saveSnapshot(user, snapshot).then(() => {
      document.documentElement.dataset.offlineSaved = snapshot.savedAt;
      document.documentElement.dataset.offlineMessages = count;
    }, () => undefined);
  }

  /** Back online: each outbox item not yet handed to the engine goes out, under its own key. */
  private flush(): void {
    const known = this.store.getState().engine.conversations;
    for (const entry of this.outbox) {
      if (entry.conversationId in known) this.hand(entry);
      else void this.forget(entry.localId);
    }
  }

  private hand(entry: OutboxEntry): void {
    if (this.stopped || this.inFlight.has(entry.localId)) return;
    this.inFlight.add(entry.localId);
    let sent: Promise<unknown>;
    try {
      sent = this.store.client.engine.send(entry.conversationId, { text: entry.text, localId: entry.localId }).stored;
    } catch {
      this.inFlight.delete(entry.localId);
      return;
    }
    // Stored: out of the outbox. Refused: it stays there (marked failed in the log; sent again under the same key on
    // the next start).
    sent.then(() => this.forget(entry.localId), () => this.inFlight.delete(entry.localId));
  }

  private async forget(localId: string): Promise<void> {
    this.outbox = this.outbox.filter((e) => e.localId !== localId);
    await updateOutbox(this.me, (items) => items.filter((e) => e.localId !== localId)).catch(() => undefined);
  }
}
