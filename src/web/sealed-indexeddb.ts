/**
 * The browser's SecretStore: IndexedDB, every value sealed with AES-256-GCM under a key that is generated in the
 * browser as non-extractable (its bytes can never be read by script, only used) and kept in the same database as a
 * CryptoKey object. The entry's name is the associated data, so a value cannot be moved to another entry unnoticed.
 * What this protects against: the profile's files copied off the machine (the key is not in them in usable form on
 * platforms that protect it) and a casual look at storage; not against code running in this origin (see SECURITY.md).
 */
import type { SecretStore } from '../sdk/index.js';
import { SECRETS_DB, SECRETS_KEYS, SECRETS_VALUES } from './local-secrets.js';

/**
 * The SDK's AES-GCM primitives, passed in by the caller: the MLS worker takes them from the SDK's worker entry point
 * (secret-store.ts), a page from its page entry point, so that neither bundle carries the other's SDK.
 */
export interface SealPrimitives {
  aesGcmEncrypt(key: CryptoKey, plaintext: Uint8Array, aad: Uint8Array): Promise<{ iv: Uint8Array; data: ArrayBuffer }>;
  aesGcmDecrypt(key: CryptoKey, iv: Uint8Array, data: ArrayBuffer, aad: Uint8Array): Promise<Uint8Array>;
  newAesGcmKey(): Promise<CryptoKey>;
}

const DB_NAME = SECRETS_DB;
const VALUES = SECRETS_VALUES;
const KEYS = SECRETS_KEYS;
const KEY_ID = 'store-key-v1';

interface Sealed {
  iv: Uint8Array;
  data: ArrayBuffer;
}

const done = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });

const result = <T>(req: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });

function open(): Promise<IDBDatabase> {
  const req = indexedDB.open(DB_NAME, 1);
  req.onupgradeneeded = () => {
    req.result.createObjectStore(VALUES);
    req.result.createObjectStore(KEYS);
  };
  return result(req);
}

export class SealedIndexedDb implements SecretStore {
  constructor(private readonly primitives: SealPrimitives) {}

  private ready: Promise<{ db: IDBDatabase; key: CryptoKey }> | undefined;

  private init(): Promise<{ db: IDBDatabase; key: CryptoKey }> {
    this.ready ??= (async () => {
      const db = await open();
      const existing = await result(db.transaction(KEYS).objectStore(KEYS).get(KEY_ID) as IDBRequest<CryptoKey | undefined>);
      if (existing) return { db, key: existing };
      const key = await this.primitives.newAesGcmKey();
      const tx = db.transaction(KEYS, 'readwrite');
      // Another tab may have made one first: add() fails then, and we read the winner's.
      tx.objectStore(KEYS).add(key, KEY_ID);
      try {
        await done(tx);
        return { db, key };
      } catch {
        const winner = await result(db.transaction(KEYS).objectStore(KEYS).get(KEY_ID) as IDBRequest<CryptoKey>);
        return { db, key: winner };
      }
    })();
    return this.ready;
  }

  async get(name: string): Promise<Uint8Array | undefined> {
    const { db, key } = await this.init();
    const sealed = await result(db.transaction(VALUES).objectStore(VALUES).get(name) as IDBRequest<Sealed | undefined>);
    if (!sealed) return undefined;
    const aad = new TextEncoder().encode(name);
    return this.primitives.aesGcmDecrypt(key, sealed.iv, sealed.data, aad);
  }

  async write(entries: ReadonlyMap<string, Uint8Array | undefined>): Promise<void> {
    const { db, key } = await this.init();
    // Seal everything first: an IndexedDB transaction commits as soon as it is left idle across an await.
    const sealed: [string, Sealed | undefined][] = [];
    for (const [name, value] of entries) {
      if (value === undefined) {
        sealed.push([name, undefined]);
        continue;
      }
      sealed.push([name, await this.primitives.aesGcmEncrypt(key, value, new TextEncoder().encode(name))]);
    }
    const tx = db.transaction(VALUES, 'readwrite');
    const values = tx.objectStore(VALUES);
    for (const [name, value] of sealed) {
      if (value === undefined) values.delete(name);
      else values.put(value, name);
    }
    await done(tx);
  }
}
