/**
 * What this device still has to upload to the history vault, kept in the SecretStore until the server has it: a copy
 * lost on the way (the connection dropped, the server restarted, the tab closed right after reading) would be a
 * message the user's next device cannot read. Uploads are retried with a growing delay; a copy is forgotten only once
 * stored, or once the server refuses it for good (say, the user is no longer in that conversation).
 */
import { z } from 'zod';
import { errorCode, isConnectionError } from '../errors.js';
import { StoredText } from './content.js';
import type { SecretStore } from './store.js';

const Pending = z.record(z.string(), z.record(z.string(), StoredText));

/** Sends one conversation's copies (at most a batch); rejects if they were not stored. */
export type Upload = (conversationId: string, entries: [number, StoredText][]) => Promise<void>;

/** Worth trying again: no answer came, or the server was busy. */
export const transient = (err: unknown) => isConnectionError(err) || errorCode(err) === 'RATE_LIMITED' || errorCode(err) === 'INTERNAL';

export class VaultOutbox {
  private readonly queue = new Map<string, Map<number, StoredText>>();
  private flushing: Promise<void> | undefined;
  private saving: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private delayMs = 0;
  private stopped = false;
  /** Copies added so far (a run goes on while copies came during it). */
  private added = 0;

  constructor(
    private readonly store: SecretStore,
    private readonly storeKey: string,
    private readonly upload: Upload,
    private readonly batchSize: number,
  ) {}

  /** Takes up what an earlier run of this device left to upload, and starts on it. */
  async load(): Promise<void> {
    const bytes = await this.store.get(this.storeKey);
    if (!bytes) return;
    const parsed = Pending.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    if (!parsed.success) return;
    for (const [conversationId, entries] of Object.entries(parsed.data)) {
      const forConversation = this.forConversation(conversationId);
      for (const [seq, value] of Object.entries(entries)) if (!forConversation.has(Number(seq))) forConversation.set(Number(seq), value);
    }
    this.kick();
  }

  add(conversationId: string, seq: number, value: StoredText): void {
    this.forConversation(conversationId).set(seq, value);
    this.added++;
    void this.save();
    this.kick();
  }

  /** Forgets what waits for one entry (it expired: no copy of it may reach the server any more). */
  drop(conversationId: string, seq: number): void {
    const entries = this.queue.get(conversationId);
    if (!entries?.delete(seq)) return;
    if (entries.size === 0) this.queue.delete(conversationId);
    void this.save();
  }

  /** Resolves once nothing waits for upload, or what waits failed for now (then it is retried later). */
  async settled(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queue.size > 0) await this.flush();
  }

  /** Uploads everything queued now (awaitable, e.g. before closing). */
  flush(): Promise<void> {
    this.flushing ??= this.run().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private forConversation(conversationId: string): Map<number, StoredText> {
    let entries = this.queue.get(conversationId);
    if (!entries) this.queue.set(conversationId, (entries = new Map<number, StoredText>()));
    return entries;
  }

  private kick(): void {
    if (!this.stopped && !this.timer) void Promise.resolve().then(() => this.flush());
  }

  /** Uploads until a run ends with no copy added while it ran (those would otherwise wait for the next add). */
  private async run(): Promise<void> {
    for (;;) {
      const seen = this.added;
      const failed = await this.runOnce();
      if (failed || this.added === seen) return;
    }
  }

  /** One pass over what is queued now; true if it stopped on a failure worth retrying. */
  private async runOnce(): Promise<boolean> {
    let failed = false;
    for (const [conversationId, entries] of [...this.queue]) {
      const all = [...entries];
      for (let i = 0; i < all.length && !failed; i += this.batchSize) {
        const batch = all.slice(i, i + this.batchSize);
        try {
          await this.upload(conversationId, batch);
        } catch (err) {
          // Refused for good: one copy by one, so that a copy the server refuses (an edit's target from before the
          // user was added back, say) does not take the others of its batch with it.
          failed = transient(err) || (batch.length > 1 && (await this.uploadEach(conversationId, batch)));
          if (failed) break;
        }
        // Stored (or refused for good): forgotten, unless a newer copy of the same entry came meanwhile.
        for (const [seq, value] of batch) if (entries.get(seq) === value) entries.delete(seq);
      }
      if (entries.size === 0) this.queue.delete(conversationId);
      if (failed) break;
    }
    await this.save();
    if (failed) this.retryLater();
    else this.delayMs = 0;
    return failed;
  }

  /** Uploads copies one by one (each refused for good is forgotten); true if it stopped on a failure worth retrying. */
  private async uploadEach(conversationId: string, batch: [number, StoredText][]): Promise<boolean> {
    for (const entry of batch) {
      try {
        await this.upload(conversationId, [entry]);
      } catch (err) {
        if (transient(err)) return true;
      }
    }
    return false;
  }

  private retryLater(): void {
    if (this.stopped || this.timer) return;
    this.delayMs = Math.min(30_000, Math.max(500, this.delayMs * 2));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.delayMs);
    // Node: a pending retry does not keep the process alive.
    if (typeof this.timer === 'object' && 'unref' in this.timer) this.timer.unref();
  }

  /** Writes the queue to the store (one write after another, so the last one holds the latest queue). */
  private save(): Promise<void> {
    this.saving = this.saving.then(async () => {
      const pending: Record<string, Record<string, StoredText>> = {};
      for (const [conversationId, entries] of this.queue) pending[conversationId] = Object.fromEntries(entries);
      const bytes = this.queue.size === 0 ? undefined : new TextEncoder().encode(JSON.stringify(pending));
      await this.store.write(new Map([[this.storeKey, bytes]]));
    }).catch(() => undefined);
    return this.saving;
  }
}
