/**
 * Where a client keeps its end-to-end secrets: the device (signature key, unused KeyPackages' private keys), each
 * conversation's MLS state with the log position it reflects, and the plaintext of messages it has read (MLS deletes
 * the keys, so a message is decrypted once). Secret: a browser store encrypts every value at rest (src/web/e2ee).
 */
export interface SecretStore {
  get(key: string): Promise<Uint8Array | undefined>;
  /** Writes (a value) or deletes (undefined) every entry at once: all or nothing. */
  write(entries: ReadonlyMap<string, Uint8Array | undefined>): Promise<void>;
}

/** An in-memory store: the default in Node; its device lasts as long as the process. */
export class MemoryStore implements SecretStore {
  private readonly data = new Map<string, Uint8Array>();

  get(key: string): Promise<Uint8Array | undefined> {
    const value = this.data.get(key);
    return Promise.resolve(value && value.slice());
  }

  write(entries: ReadonlyMap<string, Uint8Array | undefined>): Promise<void> {
    for (const [key, value] of entries) {
      if (value === undefined) this.data.delete(key);
      else this.data.set(key, value.slice());
    }
    return Promise.resolve();
  }
}

/** Store keys, per user so that two accounts on one browser never share state. */
export const storeKeys = {
  device: (username: string) => `${username}/device`,
  group: (username: string, conversationId: string) => `${username}/group/${conversationId}`,
  text: (username: string, conversationId: string, seq: number) => `${username}/text/${conversationId}/${seq}`,
  /** The plaintext of a ciphertext this device sent, until its copy comes back in the log (by the body's SHA-256). */
  own: (username: string, conversationId: string, bodyHash: string) => `${username}/own/${conversationId}/${bodyHash}`,
  /** The log position at which this device was committed out of the conversation's group (until it joins again). */
  removed: (username: string, conversationId: string) => `${username}/removed/${conversationId}`,
};
