import { aesGcmDecrypt, aesGcmEncrypt, newAesGcmKey } from '../sdk/worker.js';
import { SealedIndexedDb } from './sealed-indexeddb.js';

/** The MLS worker's SecretStore: IndexedDB, each value sealed under this browser's store key (sealed-indexeddb.ts). */
export class IndexedDbStore extends SealedIndexedDb {
  constructor() {
    super({ aesGcmDecrypt, aesGcmEncrypt, newAesGcmKey });
  }
}
