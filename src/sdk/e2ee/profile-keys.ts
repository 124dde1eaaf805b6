/** Profile keys members shared with this device (a `profile-key` log entry), kept in the device's sealed store. */
import type { SecretStore } from './store.js';

const keyOf = (me: string, owner: string) => `${me}/profile-key/${owner.toLowerCase()}`;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function saveProfileKey(store: SecretStore, me: string, owner: string, key: string): Promise<void> {
  await store.write(new Map([[keyOf(me, owner), encoder.encode(key)]]));
}

export async function loadProfileKey(store: SecretStore, me: string, owner: string): Promise<string | undefined> {
  const bytes = await store.get(keyOf(me, owner));
  return bytes && decoder.decode(bytes);
}
