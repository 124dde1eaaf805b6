/**
 * This device's MLS groups: each conversation's MlsConversation with the log position (`seq`) its state reflects,
 * kept in memory and in the SecretStore. A state and what it decrypted are saved in one write, so after a crash the
 * device resumes exactly where its state is, and a message it already processed is never processed again.
 */
import type { MlsConversation, MlsDevice } from '../crypto/index.js';
import { sha256 } from '../crypto/primitives.js';
import { bytesToBase64Url } from '../encoding.js';
import { storeKeys, type SecretStore } from './store.js';
import { decodeStoredText, encodeStoredText, type StoredText } from './content.js';

export interface Group {
  conversation: MlsConversation;
  /** Every log entry up to this sequence number is reflected in `conversation`. */
  seq: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** base64url SHA-256 of a ciphertext: names our own ciphertexts in the store. */
export async function bodyHash(body: Uint8Array): Promise<string> {
  return bytesToBase64Url(await sha256(body));
}

function encodeGroup(group: Group): Uint8Array {
  const state = group.conversation.serialize();
  const out = new Uint8Array(8 + state.length);
  new DataView(out.buffer).setFloat64(0, group.seq);
  out.set(state, 8);
  return out;
}

export class GroupStore {
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly store: SecretStore,
    private readonly username: string,
    private readonly device: () => MlsDevice,
  ) {}

  /** The group as the store holds it (another tab of this device may have moved it on), or undefined. */
  async load(conversationId: string): Promise<Group | undefined> {
    const bytes = await this.store.get(storeKeys.group(this.username, conversationId));
    const cached = this.groups.get(conversationId);
    if (bytes === undefined) {
      this.groups.delete(conversationId);
      return undefined;
    }
    const seq = new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0);
    if (cached && cached.seq >= seq) return cached;
    const group = { conversation: await this.device().restoreConversation(bytes.slice(8)), seq };
    this.groups.set(conversationId, group);
    return group;
  }

  cached(conversationId: string): Group | undefined {
    return this.groups.get(conversationId);
  }

  /**
   * Saves the group (with the texts it decrypted, and optionally the device) in one write. `own`: a ciphertext we
   * just made (its plaintext kept until its copy is read back), or one read back (undefined: forget it).
   */
  async save(
    group: Group,
    texts: { seq: number; value: StoredText }[] = [],
    withDevice = false,
    own?: { bodyHash: string; plaintext: string | undefined },
  ): Promise<void> {
    const id = group.conversation.conversationId;
    this.groups.set(id, group);
    const entries = new Map<string, Uint8Array | undefined>([
      [storeKeys.group(this.username, id), encodeGroup(group)],
      [storeKeys.removed(this.username, id), undefined],
    ]);
    if (own) entries.set(storeKeys.own(this.username, id, own.bodyHash), own.plaintext === undefined ? undefined : encoder.encode(own.plaintext));
    for (const t of texts) entries.set(storeKeys.text(this.username, id, t.seq), encodeStoredText(t.value));
    if (withDevice) entries.set(storeKeys.device(this.username), this.device().serialize());
    await this.store.write(entries);
  }

  /** The plaintext of one of our own ciphertexts (possibly made by another tab of this device). */
  async own(conversationId: string, bodyHash: string): Promise<string | undefined> {
    const bytes = await this.store.get(storeKeys.own(this.username, conversationId, bodyHash));
    return bytes && decoder.decode(bytes);
  }

  async saveText(conversationId: string, seq: number, value: StoredText): Promise<void> {
    await this.store.write(new Map([[storeKeys.text(this.username, conversationId, seq), encodeStoredText(value)]]));
  }

  async text(conversationId: string, seq: number): Promise<StoredText | undefined> {
    const bytes = await this.store.get(storeKeys.text(this.username, conversationId, seq));
    return bytes && decodeStoredText(bytes);
  }

  /** This device left the conversation (or was removed, by the commit at `removedAt`): its state is erased. */
  async drop(conversationId: string, removedAt?: number): Promise<void> {
    this.groups.delete(conversationId);
    const entries = new Map<string, Uint8Array | undefined>([[storeKeys.group(this.username, conversationId), undefined]]);
    if (removedAt !== undefined) entries.set(storeKeys.removed(this.username, conversationId), encoder.encode(String(removedAt)));
    await this.store.write(entries);
  }

  /** Where this device was committed out of the group (if it was, and has not joined again since). */
  async removedAt(conversationId: string): Promise<number | undefined> {
    const bytes = await this.store.get(storeKeys.removed(this.username, conversationId));
    return bytes && Number(decoder.decode(bytes));
  }
}
