// Real MLS traffic for the load benchmark (`--body mls`): every conversation of a load generator is a real MLS group
// made by the SDK's end-to-end layer (so the server holds its GroupInfo, its members' devices and epoch), and every
// message a step sends is a real PrivateMessage of that group — or, now and then, a real commit (fresh keys) with its
// GroupInfo. A step's messages are encrypted ahead of the step (`buildPool`), so what the step measures is the server,
// not the generators' encryption. Within a conversation the pool is in log order: the messages of an epoch, then the
// commit that ends it (sent once the epoch's messages in flight are acknowledged, as a client would), then the next
// epoch's messages (held until the commit is acknowledged).
import type { MlsConversation } from '../src/sdk/crypto/index.js';
import { MlsDevice, type DeviceDirectory } from '../src/sdk/crypto/index.js';
import { ServerDirectory } from '../src/sdk/e2ee/directory.js';
import type { Requester } from '../src/sdk/e2ee/api.js';
import { MemoryStore, storeKeys } from '../src/sdk/e2ee/store.js';
import type { ParleyClient } from '../src/sdk/index.js';

/** One message a step will send, already encrypted (or a commit with its new epoch's GroupInfo). */
export type PoolItem =
  | { kind: 'message'; sender: number; body: Uint8Array }
  | { kind: 'commit'; sender: number; body: Uint8Array; groupInfo: Uint8Array };

/** How a received body is matched to the send it came from: its last 16 bytes (an AEAD tag or a signature's end). */
export function bodyKey(body: Uint8Array): string {
  return Buffer.from(body.buffer, body.byteOffset + Math.max(0, body.byteLength - 16), Math.min(16, body.byteLength)).toString('base64');
}

/** The group states of one conversation's members (index = member index in the generator's conversation). */
export class MlsGroup {
  constructor(
    readonly conversationId: string,
    private readonly states: MlsConversation[],
  ) {}

  get epoch(): bigint {
    return this.states[0]?.epoch ?? 0n;
  }

  /**
   * `count` items in log order, of random senders; each item is a commit with probability 1 / commitEvery. A commit
   * is confirmed by its committer and processed by every other member at once (the server will accept it: the step
   * sends it only once everything before it is acknowledged).
   */
  async pool(count: number, plaintext: string, commitEvery: number, random: (n: number) => number): Promise<PoolItem[]> {
    const items: PoolItem[] = [];
    for (let i = 0; i < count; i++) {
      const sender = random(this.states.length);
      const state = this.states[sender] as MlsConversation;
      if (commitEvery > 0 && random(commitEvery) === 0) {
        const pending = await state.updateKeys();
        await state.confirmCommit();
        for (const [j, other] of this.states.entries()) if (j !== sender) await other.processHandshake(pending.commit);
        items.push({ kind: 'commit', sender, body: pending.commit, groupInfo: pending.groupInfo });
      } else {
        items.push({ kind: 'message', sender, body: await state.encrypt(plaintext) });
      }
    }
    return items;
  }
}

/** A bench user's end-to-end side: the SDK's store (the account client writes it) and, once harvested, its device. */
export class MlsMember {
  readonly store = new MemoryStore();
  private device: MlsDevice | undefined;

  constructor(readonly username: string) {}

  /**
   * This member's state of the conversation's group, as the SDK left it in the store (the SDK client is closed by
   * then: its own directory no longer answers). `request` is the member's socket, for the directory lookups that
   * processing others' commits needs.
   */
  async restore(conversationId: string, request: Requester['request']): Promise<MlsConversation> {
    if (!this.device) {
      const bytes = await this.store.get(storeKeys.device(this.username));
      if (!bytes) throw new Error(`${this.username}: no MLS device in the store`);
      const directory: DeviceDirectory = new ServerDirectory({ request });
      this.device = MlsDevice.restore(bytes, { directory });
    }
    const group = await this.store.get(storeKeys.group(this.username, conversationId));
    if (!group) throw new Error(`${this.username}: not in the MLS group of ${conversationId}`);
    return this.device.restoreConversation(group.slice(8));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Makes the conversation an MLS group of all its members through the SDK, the way the app does: each member's first
 * send creates the group (the first) or joins it (the others, by Welcome); then waits until every member's device
 * shows the same epoch and epoch authenticator (up to `timeoutMs`).
 */
export async function formGroup(conversationId: string, clients: ParleyClient[], timeoutMs = 60_000): Promise<void> {
  for (const c of clients) await c.messages.send(conversationId, 'hello');
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(clients.map((c) => c.encryption.state(conversationId).catch(() => undefined)));
    const first = states[0];
    const key = (s: (typeof states)[number]) => (s ? `${s.epoch}:${s.authenticator}:${s.devices.length}` : '');
    if (first && first.devices.length === clients.length && states.every((s) => key(s) === key(first))) return;
    if (performance.now() > deadline) throw new Error(`the MLS group of ${conversationId} did not converge`);
    await sleep(100);
  }
}

/** Every member's group state, restored from their stores once their SDK clients are closed. */
export async function harvestGroup(conversationId: string, members: { mls: MlsMember; request: Requester['request'] }[]): Promise<MlsGroup> {
  const states = await Promise.all(members.map((m) => m.mls.restore(conversationId, m.request)));
  const epochs = new Set(states.map((s) => s.epoch));
  if (epochs.size !== 1) throw new Error(`members of ${conversationId} disagree on the epoch: ${[...epochs].join(', ')}`);
  return new MlsGroup(conversationId, states);
}
