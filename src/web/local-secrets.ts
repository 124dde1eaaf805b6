/** Where the browser's SecretStore keeps its sealed values (src/web/secret-store.ts), and wiping one user's part. */
export const SECRETS_DB = 'parley-secrets';
export const SECRETS_VALUES = 'values';
export const SECRETS_KEYS = 'keys';

/**
 * Deletes every value this browser keeps for `username` (device keys, MLS state, read messages; their names start with
 * "<username>/"): after the account's deletion nothing of it stays on the device. Other accounts' values stay.
 */
export function eraseLocalSecrets(username: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(SECRETS_DB);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB open failed'));
    req.onsuccess = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(SECRETS_VALUES)) {
        db.close();
        resolve();
        return;
      }
      const tx = db.transaction(SECRETS_VALUES, 'readwrite');
      tx.objectStore(SECRETS_VALUES).delete(IDBKeyRange.bound(`${username}/`, `${username}/\uffff`));
      tx.oncomplete = () => {
        db.close();
        resolve();
      };
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB delete failed'));
    };
  });
}
