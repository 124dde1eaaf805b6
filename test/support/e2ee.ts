/** Helpers for end-to-end tests through the SDK: look into a client's store, and at what the server holds. */
import { MLS_COMMIT, type DirectoryEntry } from '../../src/protocol/e2e.js';
import type { MessageDto } from '../../src/protocol/messages.js';
import { MemoryDirectory, MlsDevice, decodeDeviceCertificate, type MlsConversation } from '../../src/sdk/crypto/index.js';
import type { MemoryStore, ParleyClient } from '../../src/sdk/index.js';
import { storeKeys } from '../../src/sdk/e2ee/store.js';
import type { Realtime } from '../../src/sdk/realtime.js';
import type { TestServer } from './server.js';

export const realtimeOf = (client: ParleyClient) => (client as unknown as { realtime: Realtime }).realtime;

/** Every stored log entry of a conversation, as `reader` (a member) fetches it. */
export async function storedLog(reader: ParleyClient, conversationId: string): Promise<MessageDto[]> {
  const out: MessageDto[] = [];
  for (let after = 0; ; ) {
    const page = await realtimeOf(reader).request('messages:after', { conversationId, after, limit: 200 });
    out.push(...page.messages);
    after = page.messages.at(-1)?.seq ?? after;
    if (!page.hasMore) return out;
  }
}

/** A directory that trusts exactly what `asker` sees of these users now (for restoring a snapshot offline). */
export async function snapshotDirectory(asker: ParleyClient, usernames: string[]): Promise<MemoryDirectory> {
  const directory = new MemoryDirectory();
  for (const username of usernames) {
    const entry: DirectoryEntry = await realtimeOf(asker).request('directory:lookup', { username });
    directory.setIdentityKey(username, Buffer.from(entry.identity.identityKey, 'base64url'));
    for (const d of entry.devices) directory.addCertificate(decodeDeviceCertificate(d.certificate));
  }
  return directory;
}

/** A copy of a device's group state as its store holds it now (what an attacker who seizes the device gets). */
export async function snapshotGroup(store: MemoryStore, username: string, conversationId: string) {
  const device = await store.get(storeKeys.device(username));
  const group = await store.get(storeKeys.group(username, conversationId));
  if (!device || !group) throw new Error(`no stored group ${conversationId} for ${username}`);
  return {
    seq: new DataView(group.buffer, group.byteOffset, 8).getFloat64(0),
    async open(directory: MemoryDirectory): Promise<MlsConversation> {
      return MlsDevice.restore(device, { directory }).restoreConversation(group.slice(8));
    },
  };
}

/** The commits stored after `seq`, in log order. */
export const commitsAfter = (log: MessageDto[], seq: number) => log.filter((m) => m.seq > seq && m.contentType === MLS_COMMIT);

/** Flips one byte (the last: inside the AEAD tag) of a stored message's body. */
export async function tamperStoredBody(t: TestServer, messageId: string): Promise<void> {
  const db = t.server.deps.db;
  const row = await db.selectFrom('messages').select('body').where('id', '=', messageId).executeTakeFirstOrThrow();
  const body = Buffer.from(row.body);
  body[body.length - 1] = (body[body.length - 1] ?? 0) ^ 0x01;
  await db.updateTable('messages').set({ body }).where('id', '=', messageId).execute();
}
