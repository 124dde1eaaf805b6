/**
 * The SDK's second public entry point, for the web's Web Workers (the KDF worker and the end-to-end worker): what runs
 * inside them, without the client's socket and HTTP code. Pages import src/sdk/index.ts; the web imports nothing else
 * of the SDK (a lint rule keeps it so).
 */
export { deriveMasterInThread, type DeriveMaster } from './kdf.js';
export { E2ee } from './e2ee/engine.js';
export type { E2eeApi, EngineHost, OpenE2ee, OpenOptions } from './e2ee/api.js';
export type { SecretStore } from './e2ee/store.js';
export { openWithSearch } from './search/worker-side.js';
export { workerCourier } from './e2ee/vault-courier.js';
export { SEARCH_SIDE_METHODS, type SearchEvent, type SearchSide } from './search/side.js';
export { aesGcmDecrypt, aesGcmEncrypt, newAesGcmKey } from './crypto/primitives.js';
