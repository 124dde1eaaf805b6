/**
 * What the offline browser tests read of a page's storage: everything it keeps, as text (to look for what must never be
 * there in the clear), the names of the sealed offline entries, and the sealed snapshot opened with the page's own
 * store key (to look inside it).
 */
import type { Page } from 'playwright-core';

/** Every byte this origin keeps in IndexedDB and localStorage, as text (values and keys, binary read as Latin-1). */
export function storedText(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const parts: string[] = [];
    const asText = (value: unknown, depth = 0): void => {
      if (depth > 8 || value === null || value === undefined) return;
      if (typeof value === 'string') parts.push(value);
      else if (value instanceof ArrayBuffer) parts.push(new TextDecoder('latin1').decode(value), new TextDecoder().decode(value));
      else if (ArrayBuffer.isView(value)) asText(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength), depth + 1);
      else if (Array.isArray(value)) for (const v of value) asText(v, depth + 1);
      else if (typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          parts.push(k);
          asText(v, depth + 1);
        }
      }
    };
    const request = <T,>(req: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
      });
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await request(indexedDB.open(info.name));
      for (const name of db.objectStoreNames) {
        const store = db.transaction(name).objectStore(name);
        asText(await request(store.getAllKeys()));
        asText(await request(store.getAll()));
      }
      db.close();
    }
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i) ?? '';
      parts.push(key, localStorage.getItem(key) ?? '');
    }
    return parts.join('\n');
  });
}

/** Waits until this page (since it loaded) has sealed a snapshot holding `messages` messages in all. */
export async function snapshotSaved(page: Page, messages: number): Promise<void> {
  await page.waitForFunction((n) => document.documentElement.dataset.offlineSaved !== undefined && document.documentElement.dataset.offlineMessages === String(n), messages);
}

/** The names of the sealed entries the app keeps for offline reading. */
export function offlineEntries(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('parley-secrets');
        open.onerror = () => reject(open.error ?? new Error('open failed'));
        open.onsuccess = () => {
          const keys = open.result.transaction('values').objectStore('values').getAllKeys();
          keys.onsuccess = () => {
            open.result.close();
            resolve(keys.result.map(String).filter((k) => k.includes('offline/')));
          };
        };
      }),
  );
}

/**
 * The plaintext of a sealed entry (`<user>/offline/snapshot`, say), opened in the page with the browser's store key the
 * way src/web/sealed-indexeddb.ts does (AES-GCM, the entry's name as associated data); undefined when there is none.
 */
export function unsealedEntry(page: Page, name: string): Promise<string | undefined> {
  return page.evaluate(async (entry) => {
    const request = <T,>(req: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
      });
    const db = await request(indexedDB.open('parley-secrets'));
    try {
      const key = (await request(db.transaction('keys').objectStore('keys').get('store-key-v1'))) as CryptoKey | undefined;
      const sealed = (await request(db.transaction('values').objectStore('values').get(entry))) as { iv: Uint8Array<ArrayBuffer>; data: ArrayBuffer } | undefined;
      if (!key || !sealed) return undefined;
      const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv, additionalData: new TextEncoder().encode(entry) }, key, sealed.data);
      return new TextDecoder().decode(plain);
    } finally {
      db.close();
    }
  }, name);
}
