/**
 * The history vault on the client. A keyring of random vault keys (one per version; a new one at every rotation) is
 * kept on the server sealed under a key derived from the password's vaultKey, and in this device's store. Every
 * message this device reads or sends is sealed under a per-conversation subkey of the newest vault key
 * (HKDF-SHA256 → AES-256-GCM; associated data: conversation id, sequence number, key version) and uploaded, so the
 * user's other and future browsers read the full history. WebCrypto only; nothing here is hand-made cryptography.
 */
import { z } from 'zod';
import { MAX_VAULT_RECORDS_PER_LIST, MAX_VAULT_RECORDS_PER_PUT, type VaultRecordDto } from '../../protocol/vault.js';
import { base64UrlToBytes, bytesToBase64Url } from '../encoding.js';
import { ParleyError, errorCode as codeOf } from '../errors.js';
import { hkdfAesGcmKey, hkdfSha256, importAesGcmKey, openAesGcm, sealAesGcm } from '../crypto/primitives.js';
import type { Requester } from './api.js';
import { decodeStoredText, encodeStoredText, type StoredText } from './content.js';
import type { SecretStore } from './store.js';
import { VaultOutbox } from './vault-outbox.js';

const WRAP_INFO = 'parley/vault-wrap/v1';
const RECORD_INFO = 'parley/vault-record/v1';
const utf8 = (s: string) => new TextEncoder().encode(s);

const Keyring = z.strictObject({ version: z.number().int().positive(), keys: z.record(z.string(), z.string()) });
type Keyring = z.infer<typeof Keyring>;

export class Vault {
  private keyring: Keyring | undefined;
  /** Raw 32 bytes derived from the vaultKey: seals the keyring (kept in the store, so a reload can rotate). */
  private wrapSecret: Uint8Array | undefined;
  private readonly subkeys = new Map<string, Promise<CryptoKey>>();
  /** Copies waiting for upload, kept in the store until the server has them. */
  private readonly outbox: VaultOutbox;

  constructor(
    private readonly rt: Requester,
    private readonly store: SecretStore,
    private readonly username: string,
  ) {
    this.outbox = new VaultOutbox(store, `${username}/vault-outbox`, (id, entries) => this.upload(id, entries), MAX_VAULT_RECORDS_PER_PUT);
  }

  private get storeKey(): string {
    return `${this.username}/vault`;
  }

  static async open(rt: Requester, store: SecretStore, username: string, vaultKey: Uint8Array | undefined): Promise<Vault> {
    const vault = new Vault(rt, store, username);
    await vault.load(vaultKey);
    if (vault.ready) await vault.outbox.load();
    return vault;
  }

  /** Loads the keyring: from the server with the vaultKey (creating it the first time), else from the store. */
  async load(vaultKey: Uint8Array | undefined): Promise<void> {
    if (vaultKey) {
      this.wrapSecret = await this.deriveWrapSecret(vaultKey);
      for (let attempt = 0; attempt < 5 && !this.keyring; attempt++) {
        try {
          const { version, wrappedKeyring } = await this.rt.request('vault:key:get', {});
          this.keyring = await this.unwrap(wrappedKeyring, version);
        } catch (err) {
          if (codeOf(err) !== 'NOT_FOUND') throw err;
          const first: Keyring = { version: 1, keys: { 1: bytesToBase64Url(globalThis.crypto.getRandomValues(new Uint8Array(32))) } };
          try {
            await this.rt.request('vault:key:set', { expectedVersion: 0, version: 1, wrappedKeyring: await this.wrap(first) });
            this.keyring = first;
          } catch (setErr) {
            if (codeOf(setErr) !== 'CONFLICT') throw setErr; // another device created it first: read theirs
          }
        }
      }
      await this.save();
      return;
    }
    const saved = await this.store.get(this.storeKey);
    if (!saved) return;
    const parsed = z.strictObject({ keyring: Keyring, wrap: z.string() }).parse(JSON.parse(new TextDecoder().decode(saved)));
    this.keyring = parsed.keyring;
    this.wrapSecret = base64UrlToBytes(parsed.wrap);
  }

  get ready(): boolean {
    return this.keyring !== undefined;
  }

  /** After a password change: the same keyring sealed under the new password's key. */
  async rewrap(newVaultKey: Uint8Array): Promise<void> {
    const keyring = this.requireKeyring();
    this.wrapSecret = await this.deriveWrapSecret(newVaultKey);
    await this.rt.request('vault:key:set', { expectedVersion: keyring.version, version: keyring.version, wrappedKeyring: await this.wrap(keyring) });
    await this.save();
  }

  /** A new vault key for what comes next (after a device was removed: it never learns the new key). */
  async rotate(): Promise<void> {
    const keyring = this.requireKeyring();
    const next: Keyring = {
      version: keyring.version + 1,
      keys: { ...keyring.keys, [keyring.version + 1]: bytesToBase64Url(globalThis.crypto.getRandomValues(new Uint8Array(32))) },
    };
    await this.rt.request('vault:key:set', { expectedVersion: keyring.version, version: next.version, wrappedKeyring: await this.wrap(next) });
    this.keyring = next;
    await this.save();
  }

  /**
   * Queues what this device knows of a log entry for upload (sent in small batches in the background): a message's
   * text, an edit's own entry (`editOf`), or a deleted message's erased record. Never what this device does not know:
   * a failure to decrypt, or an edit waiting for its target's text; another device of the user may have read that
   * entry, and its copy must not be overwritten.
   */
  enqueue(conversationId: string, seq: number, value: StoredText): void {
    if (!this.keyring || value.error !== undefined || value.pendingEdit !== undefined) return;
    this.outbox.add(conversationId, seq, value);
  }

  /** An entry expired: a copy of it still waiting for upload is forgotten (the server refuses late ones too). */
  forget(conversationId: string, seq: number): void {
    this.outbox.drop(conversationId, seq);
  }

  /** Resolves once nothing waits for upload (or what waits failed for now, and is retried later). */
  settled(): Promise<void> {
    return this.outbox.settled();
  }

  /** Uploads everything queued (awaitable, e.g. before closing); later retries stop. */
  async flush(): Promise<void> {
    await this.outbox.flush();
    this.outbox.stop();
  }

  private async upload(conversationId: string, entries: [number, StoredText][]): Promise<void> {
    const records = await Promise.all(entries.map(([seq, value]) => this.sealRecord(conversationId, seq, value)));
    await this.rt.request('vault:put', { conversationId, records });
  }

  /** Texts of these messages from the vault (those it holds and this keyring opens). */
  async fetch(conversationId: string, seqs: number[]): Promise<Map<number, StoredText>> {
    const out = new Map<number, StoredText>();
    if (!this.keyring || seqs.length === 0) return out;
    // In order, a list at a time; an answer cut for size (`hasMore`) covers the seqs up to its last record's.
    let rest = [...new Set(seqs)].sort((a, b) => a - b);
    while (rest.length > 0) {
      const asked = rest.slice(0, MAX_VAULT_RECORDS_PER_LIST);
      const { records, hasMore } = await this.rt.request('vault:list', { conversationId, seqs: asked });
      for (const record of records) {
        const value = await this.openRecord(conversationId, record).catch(() => undefined);
        if (value) out.set(record.seq, value);
      }
      const last = records.at(-1)?.seq;
      rest = hasMore && last !== undefined ? rest.filter((seq) => seq > last) : rest.slice(asked.length);
    }
    return out;
  }

  private async sealRecord(conversationId: string, seq: number, value: StoredText): Promise<VaultRecordDto> {
    const keyring = this.requireKeyring();
    const keyVersion = keyring.version;
    const key = await this.subkey(keyVersion, conversationId);
    return { seq, keyVersion, body: await sealAesGcm(key, encodeStoredText(value), recordAad(conversationId, seq, keyVersion)) };
  }

  private async openRecord(conversationId: string, record: VaultRecordDto): Promise<StoredText | undefined> {
    const key = await this.subkey(record.keyVersion, conversationId);
    return decodeStoredText(await openAesGcm(key, record.body, recordAad(conversationId, record.seq, record.keyVersion)));
  }

  private subkey(version: number, conversationId: string): Promise<CryptoKey> {
    const id = `${version}\u0000${conversationId}`;
    let key = this.subkeys.get(id);
    if (!key) {
      const raw = this.requireKeyring().keys[version];
      if (!raw) return Promise.reject(new ParleyError('NOT_FOUND', `No vault key version ${version} on this device.`));
      key = hkdfAesGcmKey(base64UrlToBytes(raw), `${RECORD_INFO}\u0000${conversationId}`, ['encrypt', 'decrypt']);
      this.subkeys.set(id, key);
    }
    return key;
  }

  private async deriveWrapSecret(vaultKey: Uint8Array): Promise<Uint8Array> {
    return hkdfSha256(vaultKey, WRAP_INFO);
  }

  private async wrapKey(): Promise<CryptoKey> {
    if (!this.wrapSecret) throw new ParleyError('UNAUTHENTICATED', 'Log in with your password to change the vault.');
    return importAesGcmKey(this.wrapSecret);
  }

  private async wrap(keyring: Keyring): Promise<Uint8Array> {
    return sealAesGcm(await this.wrapKey(), utf8(JSON.stringify(keyring)), utf8(`${WRAP_INFO}\u0000${this.username}`));
  }

  private async unwrap(wrapped: Uint8Array, version: number): Promise<Keyring> {
    const plain = await openAesGcm(await this.wrapKey(), wrapped, utf8(`${WRAP_INFO}\u0000${this.username}`));
    const keyring = Keyring.parse(JSON.parse(new TextDecoder().decode(plain)));
    if (keyring.version !== version) throw new ParleyError('BAD_RESPONSE', 'The vault keyring does not match its version.');
    return keyring;
  }

  private requireKeyring(): Keyring {
    if (!this.keyring) throw new ParleyError('UNAUTHENTICATED', 'Log in with your password to open the vault on this device.');
    return this.keyring;
  }

  private async save(): Promise<void> {
    if (!this.keyring || !this.wrapSecret) return;
    const bytes = utf8(JSON.stringify({ keyring: this.keyring, wrap: bytesToBase64Url(this.wrapSecret) }));
    await this.store.write(new Map([[this.storeKey, bytes]]));
  }
}

function recordAad(conversationId: string, seq: number, keyVersion: number): Uint8Array {
  return utf8(`${RECORD_INFO}\u0000${conversationId}\u0000${seq}\u0000${keyVersion}`);
}
