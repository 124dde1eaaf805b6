/**
 * The terminal's SecretStore: this device's keys, MLS state, the texts it read and its search index, in one file
 * (`store.sealed`, 0600) sealed with AES-256-GCM under the store key (store-key.ts), the account's name as associated
 * data. Every write seals the whole map and renames it into place, so a write is all or nothing, as the SDK expects.
 */
import path from 'node:path';
import { z } from 'zod';
import { openAesGcm, sealAesGcm } from '../../sdk/crypto/primitives.js';
import { ParleyError } from '../../sdk/errors.js';
import type { SecretStore } from '../../sdk/index.js';
import { readFileIfExists, writePrivateFile } from './paths.js';

const Entries = z.record(z.string(), z.string());

export class FileStore implements SecretStore {
  private readonly file: string;
  private data = new Map<string, Uint8Array>();
  private writing: Promise<void> = Promise.resolve();
  /** The next write, not started yet: later writes join it. */
  private queued: Promise<void> | undefined;
  private readonly aad: Uint8Array;

  private constructor(
    dir: string,
    username: string,
    private readonly key: CryptoKey,
  ) {
    this.file = path.join(dir, 'store.sealed');
    this.aad = new TextEncoder().encode(`parley-cli/store/v1/${username}`);
  }

  /** Opens (or starts) the sealed store; a file that does not open under this key is INVALID_CREDENTIALS. */
  static async open(dir: string, username: string, key: CryptoKey): Promise<FileStore> {
    const store = new FileStore(dir, username, key);
    const sealed = readFileIfExists(store.file);
    if (sealed) {
      let plain: Uint8Array;
      try {
        plain = await openAesGcm(key, new Uint8Array(sealed), store.aad);
      } catch {
        throw new ParleyError('INVALID_CREDENTIALS', 'The state kept on this device does not open with this password.');
      }
      const entries = Entries.parse(JSON.parse(Buffer.from(plain).toString('utf8')));
      plain.fill(0);
      for (const [name, value] of Object.entries(entries)) store.data.set(name, new Uint8Array(Buffer.from(value, 'base64')));
    }
    return store;
  }

  get(name: string): Promise<Uint8Array | undefined> {
    const value = this.data.get(name);
    return Promise.resolve(value && value.slice());
  }

  /**
   * Applies the entries, and resolves once they are on disk. Writes that arrive while the file is being written share
   * the next write (it seals the map as it is when it starts), so a burst costs two file writes, not one per call.
   */
  write(entries: ReadonlyMap<string, Uint8Array | undefined>): Promise<void> {
    for (const [name, value] of entries) {
      if (value === undefined) this.data.delete(name);
      else this.data.set(name, value.slice());
    }
    if (!this.queued) {
      const next = this.writing
        .catch(() => undefined)
        .then(() => {
          this.queued = undefined;
          return this.persist(new Map(this.data));
        });
      this.queued = next;
      this.writing = next;
    }
    return this.queued;
  }

  /** Resolves once every write so far is on disk. */
  flushed(): Promise<void> {
    return this.writing.catch(() => undefined);
  }

  private async persist(snapshot: ReadonlyMap<string, Uint8Array>): Promise<void> {
    const entries: Record<string, string> = {};
    for (const [name, value] of snapshot) entries[name] = Buffer.from(value).toString('base64');
    const plain = new TextEncoder().encode(JSON.stringify(entries));
    const sealed = await sealAesGcm(this.key, plain, this.aad);
    plain.fill(0);
    writePrivateFile(this.file, sealed);
  }
}
