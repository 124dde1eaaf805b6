/**
 * The world of the randomized "unable to decrypt" run: alice, bob and carol with 1–3 devices each, two conversations
 * (a group whose members come and go, a direct one), and a seeded stream of actions against one real server (in this
 * process, restarted by closing it; or its own process, restarted by SIGKILL).
 * What every action did is kept as the ground truth the check (utd-check.ts) compares every device's view with.
 */
import { E2ee, MemoryStore, ParleyClient, type Message } from '../../src/sdk/index.js';
import { ServerProcess } from '../support/process-server.js';
import { seeded } from '../support/seeded.js';
import { TEST_KDF, startTestServer } from '../support/server.js';

export const USERS = ['alice', 'bob', 'carol'] as const;
export type User = (typeof USERS)[number];
const password = (u: User) => `${u}-soak-harbor-lantern-93`;
const MAX_DEVICES = 3;

export interface Device {
  user: User;
  name: string;
  store: MemoryStore;
  client: ParleyClient | undefined;
  /** Message ids this client can edit or delete (it sent or showed them since it started). */
  known: Set<string>;
  /** What its `message` event delivered since it started, by id. */
  seen: Map<string, Message>;
}

/** What was sent: the text each message must show (any of `texts` when a request's outcome is unknown). */
export interface Sent {
  id: string;
  conversationId: string;
  seq: number;
  sender: User;
  texts: Set<string>;
  deleted: boolean | 'unknown';
}

/** The server under test: restarted on the same database and port. */
export interface SoakServer {
  url: string;
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The run's budgets: three users acting hundreds of times a minute from several devices each would meet the per-user
 * budgets a person never meets (a long run was refused with RATE_LIMITED, which looked like lost state).
 */
export const SOAK_LIMITS = {
  MESSAGES_PER_CONNECTION_PER_10S: '100000',
  EVENTS_PER_CONNECTION_PER_10S: '100000',
  MESSAGES_PER_USER_PER_10S: '100000',
  EVENTS_PER_USER_PER_10S: '100000',
};

async function inProcessServer(): Promise<SoakServer> {
  const t = await startTestServer({ env: SOAK_LIMITS });
  return {
    get url() {
      return t.url;
    },
    async restart() {
      await t.stop();
      await t.restart();
    },
    close: () => t.close(),
  };
}

async function processServer(): Promise<SoakServer> {
  const p = await ServerProcess.start(SOAK_LIMITS);
  return {
    url: p.url,
    async restart() {
      await p.kill();
      // On a loaded machine a start may take longer than boot() waits: kill what half-started and try again.
      for (let attempt = 1; ; attempt++) {
        try {
          return await p.boot();
        } catch (err) {
          await p.kill();
          if (attempt === 3) throw err;
        }
      }
    },
    close: () => p.close(),
  };
}

export type ActionKind = 'send' | 'edit' | 'delete' | 'add-member' | 'remove-member' | 'new-device' | 'reload' | 'offline' | 'online' | 'restart';

export class World {
  readonly devices: Device[] = [];
  readonly sent = new Map<string, Sent>();
  /** Texts of sends whose outcome is unknown (the request failed): they may or may not be stored. */
  readonly maybeSent = new Set<string>();
  readonly counts: Record<string, number> = {};
  readonly failures: string[] = [];
  group = '';
  direct = '';
  /** The group's members now (alice, its owner, always). */
  readonly groupMembers = new Set<User>(USERS);
  private serial = 0;
  /** What the last action did (for the trace). */
  last = '';
  readonly trace: (line: string) => void = (line) => {
    if (process.env.PARLEY_UTD_TRACE) this.log(line);
  };

  private constructor(
    readonly server: SoakServer,
    readonly random: () => number,
    readonly log: (line: string) => void,
    /** Restarts cost seconds each (the process starts, the clients reconnect): the short run allows one. */
    readonly maxRestarts: number,
  ) {}

  static async start(seed: number, log: (line: string) => void, maxRestarts = Infinity, ownProcess = false): Promise<World> {
    const world = new World(ownProcess ? await processServer() : await inProcessServer(), seeded(seed), log, maxRestarts);
    for (const user of USERS) {
      const store = new MemoryStore();
      const client = world.client(store);
      await client.signup(user, password(user));
      await client.connect();
      world.devices.push(world.track({ user, name: `${user}/1`, store, client, known: new Set(), seen: new Map() }));
    }
    const [alice, bob, carol] = world.devices.map((d) => d.client!) as [ParleyClient, ParleyClient, ParleyClient];
    for (const [a, b] of [[alice, bob], [alice, carol], [bob, carol]] as const) {
      await a.contacts.request(b.user!.username);
      await b.contacts.accept(a.user!.username);
    }
    world.group = (await alice.conversations.createGroup('soak', ['bob', 'carol'])).id;
    world.direct = (await alice.conversations.openDirect('bob')).id;
    return world;
  }

  client(store: MemoryStore): ParleyClient {
    return new ParleyClient({ baseUrl: this.server.url, kdf: { ...TEST_KDF }, minKdf: TEST_KDF, secretStore: store });
  }

  private track(device: Device): Device {
    device.client?.on('message', (m: Message) => {
      device.known.add(m.id);
      device.seen.set(m.id, m);
    });
    return device;
  }

  pick<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[Math.floor(this.random() * items.length)];
  }

  online(): Device[] {
    return this.devices.filter((d) => d.client !== undefined);
  }

  /** The users of a conversation now. */
  membersOf(conversationId: string): Set<User> {
    return conversationId === this.group ? this.groupMembers : new Set<User>(['alice', 'bob']);
  }

  /** One random action (the weights favour messages); returns what it was, or undefined if none was possible. */
  async step(): Promise<ActionKind | undefined> {
    const r = this.random();
    const kind: ActionKind =
      r < 0.42 ? 'send' : r < 0.54 ? 'edit' : r < 0.62 ? 'delete' : r < 0.7 ? 'add-member' : r < 0.77 ? 'remove-member'
        : r < 0.83 ? 'new-device' : r < 0.89 ? 'reload' : r < 0.93 ? 'offline' : r < 0.98 ? 'online' : 'restart';
    const t0 = Date.now();
    const done = await this.act(kind);
    if (done) this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    if (done) this.trace(`${kind} ${Date.now() - t0} ms${this.last ? `: ${this.last}` : ''}`);
    this.last = '';
    return done ? kind : undefined;
  }

  async act(kind: ActionKind): Promise<boolean> {
    switch (kind) {
      case 'send': return this.send();
      case 'edit': return this.edit();
      case 'delete': return this.remove();
      case 'add-member': return this.addMember();
      case 'remove-member': return this.removeMember();
      case 'new-device': return this.newDevice();
      case 'reload': return this.reload();
      case 'offline': return this.offline();
      case 'online': return this.bringOnline();
      case 'restart': return (this.counts.restart ?? 0) < this.maxRestarts && this.restart();
    }
  }

  /** A device of a member, online, and the conversation. */
  private writer(): { device: Device; conversationId: string } | undefined {
    const conversationId = this.pick([this.group, this.direct])!;
    const members = this.membersOf(conversationId);
    const device = this.pick(this.online().filter((d) => members.has(d.user)));
    return device && { device, conversationId };
  }

  private async attempt<T>(what: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await run();
    } catch (err) {
      this.failures.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  async send(on?: { device: Device; conversationId: string }): Promise<boolean> {
    const target = on ?? this.writer();
    if (!target) return false;
    const { device, conversationId } = target;
    const text = `m${++this.serial} from ${device.name}`;
    this.maybeSent.add(text);
    const m = await this.attempt(`send ${text}`, () => device.client!.messages.send(conversationId, text));
    if (!m) return true;
    this.maybeSent.delete(text);
    device.known.add(m.id);
    this.sent.set(m.id, { id: m.id, conversationId, seq: m.seq, sender: device.user, texts: new Set([text]), deleted: false });
    this.last = `${device.name} → ${conversationId === this.group ? 'group' : 'direct'} seq ${m.seq}`;
    return true;
  }

  /** A message this device sent or showed, of its user, still there, in a conversation the user is in. */
  private own(device: Device): Sent | undefined {
    const mine = [...this.sent.values()].filter(
      (s) => s.sender === device.user && s.deleted === false && device.known.has(s.id) && this.membersOf(s.conversationId).has(device.user),
    );
    return this.pick(mine);
  }

  private async edit(): Promise<boolean> {
    const device = this.pick(this.online());
    const target = device && this.own(device);
    if (!device || !target) return false;
    const text = `edit ${++this.serial} of ${target.id.slice(-6)} on ${device.name}`;
    const ok = await this.attempt(`edit ${target.id}`, () => device.client!.messages.edit(target.id, text));
    this.last = `${device.name} edits seq ${target.seq}${ok ? '' : ' (failed)'}`;
    if (ok) target.texts = new Set([text]);
    else target.texts.add(text);
    return true;
  }

  private async remove(): Promise<boolean> {
    const device = this.pick(this.online());
    const target = device && this.own(device);
    if (!device || !target) return false;
    const ok = await this.attempt(`delete ${target.id}`, () => device.client!.messages.delete(target.id));
    target.deleted = ok ? true : 'unknown';
    this.last = `${device.name} deletes seq ${target.seq}`;
    return true;
  }

  /** alice (the group's owner) adds bob or carol back. */
  private async addMember(): Promise<boolean> {
    const user = this.pick((['bob', 'carol'] as const).filter((u) => !this.groupMembers.has(u)));
    const alice = this.pick(this.online().filter((d) => d.user === 'alice'));
    if (!user || !alice) return false;
    const c = await this.attempt(`add ${user}`, () => alice.client!.conversations.addMember(this.group, user));
    if (c) this.groupMembers.add(user);
    this.last = `${user} at seq ${c?.lastSeq}`;
    return true;
  }

  private async removeMember(): Promise<boolean> {
    const user = this.pick((['bob', 'carol'] as const).filter((u) => this.groupMembers.has(u)));
    const alice = this.pick(this.online().filter((d) => d.user === 'alice'));
    if (!user || !alice) return false;
    const c = await this.attempt(`remove ${user}`, () => alice.client!.conversations.removeMember(this.group, user));
    if (c) this.groupMembers.delete(user);
    this.last = `${user} at seq ${c?.lastSeq}`;
    return true;
  }

  /** A new, empty client of a user: a new device that reads what came before from the vault. */
  async newDevice(user?: User): Promise<boolean> {
    const who = user ?? this.pick(USERS.filter((u) => this.devices.filter((d) => d.user === u).length < MAX_DEVICES));
    if (!who) return false;
    const store = new MemoryStore();
    const client = this.client(store);
    const n = this.devices.filter((d) => d.user === who).length + 1;
    const ok = await this.attempt(`new device of ${who}`, async () => {
      await client.login(who, password(who));
      await client.connect();
      return true;
    });
    if (ok) this.devices.push(this.track({ user: who, name: `${who}/${n}`, store, client, known: new Set(), seen: new Map() }));
    this.last = `${who}/${n}`;
    return true;
  }

  /** Closes a client and opens its store again (a reload of the page). */
  private async reload(): Promise<boolean> {
    const device = this.pick(this.online());
    if (!device) return false;
    device.client!.close();
    await this.open(device);
    this.last = device.name;
    return true;
  }

  private offline(): Promise<boolean> {
    const device = this.pick(this.online().filter((d) => this.online().filter((o) => o.user === d.user).length > 1));
    if (!device) return Promise.resolve(false);
    device.client!.close();
    device.client = undefined;
    this.last = device.name;
    return Promise.resolve(true);
  }

  private async bringOnline(): Promise<boolean> {
    const device = this.pick(this.devices.filter((d) => d.client === undefined));
    if (!device) return false;
    await this.open(device);
    this.last = device.name;
    return true;
  }

  async open(device: Device): Promise<void> {
    const client = this.client(device.store);
    device.client = client;
    device.known = new Set();
    device.seen = new Map();
    this.track(device);
    await this.attempt(`open ${device.name}`, async () => {
      await client.login(device.user, password(device.user));
      await client.connect();
    });
  }

  /** SIGKILL and start again on the same database; every online client reconnects. */
  async restart(): Promise<boolean> {
    await this.server.restart();
    for (const d of this.online()) await this.reconnected(d.client!);
    return true;
  }

  /** Resolves once the client answers over its socket again (bounded). */
  async reconnected(client: ParleyClient): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (await client.whoami().then(() => true, () => false)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('a client did not reconnect after the restart');
  }

  /** Every copy this device queued for the vault is uploaded. */
  async vaultSettled(device: Device): Promise<void> {
    const e2ee = (device.client as unknown as { e2ee?: { api: unknown } } | undefined)?.e2ee?.api;
    if (e2ee instanceof E2ee) await e2ee.vaultSettled();
  }

  async close(): Promise<void> {
    for (const d of this.online()) d.client!.close();
    await this.server.close();
  }
}
