// The two things the load generator can drive, behind one interface: Parley through its SDK (sign-up, session,
// contacts, conversations, stored and acknowledged messages) and the bare socket.io relay (bench/baseline-relay.ts).
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { ParleyClient, ParleyError } from '../src/sdk/index.js';

/**
 * The fast client KDF a server accepts only with NODE_ENV=test and PARLEY_INSECURE_TEST_KDF=true. The benchmark measures
 * the server's relay-and-store path, not the client's password hashing (64 MiB Argon2id in production).
 */
export const BENCH_KDF = { algorithm: 'argon2id', memoryKiB: 256, iterations: 1, parallelism: 1 } as const;

export interface Received {
  conversationId: string;
  seq: number;
  sender: string;
  text: string;
  /** The body as received (matched by its bytes with MLS bodies). */
  body?: Uint8Array;
}

export interface BenchUser {
  readonly name: string;
  /** Creates the account (Parley) — nothing for the relay. */
  signup(): Promise<void>;
  connect(): Promise<void>;
  /** Resolves once the target acknowledges (Parley: durably stored). */
  send(conversationId: string, text: string): Promise<void>;
  close(): void;
}

export interface UserHooks {
  onMessage(message: Received): void;
  onDisconnect(): void;
}

export interface Target {
  kind: 'parley' | 'relay';
  user(name: string, hooks: UserHooks): BenchUser;
  /** Makes a and b contacts (Parley) — nothing for the relay. */
  befriend(a: BenchUser, b: BenchUser): Promise<void>;
  direct(a: BenchUser, b: BenchUser): Promise<string>;
  group(owner: BenchUser, members: BenchUser[], name: string): Promise<string>;
}

/**
 * Signs a bench user up with 12 random characters (zxcvbn nearly always scores them 4 and checks them in ~15 ms; 30
 * characters cost ~200 ms), drawing another password when zxcvbn now and then finds a pattern in one.
 */
export async function signUpBenchUser(client: ParleyClient, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.signup(name, randomBytes(9).toString('base64url'));
      return;
    } catch (err) {
      if (!(err instanceof ParleyError && err.code === 'WEAK_PASSWORD') || attempt >= 5) throw err;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Parley, through the SDK.

class ParleyUser implements BenchUser {
  readonly client: ParleyClient;

  constructor(
    readonly name: string,
    url: string,
    hooks: UserHooks,
  ) {
    // Plain text: this load measures delivery, authorization and storage; MLS costs are in bench/mls.ts.
    this.client = new ParleyClient({ baseUrl: url, kdf: { ...BENCH_KDF }, minKdf: BENCH_KDF, encryption: 'none' });
    this.client.on('message', (m) =>
      hooks.onMessage({ conversationId: m.conversationId, seq: m.seq, sender: m.sender, text: m.text }),
    );
    this.client.on('connectionChange', (up) => {
      if (!up) hooks.onDisconnect();
    });
  }

  signup(): Promise<void> {
    return signUpBenchUser(this.client, this.name);
  }

  connect(): Promise<void> {
    return this.client.connect();
  }

  async send(conversationId: string, text: string): Promise<void> {
    await this.client.messages.send(conversationId, text);
  }

  close(): void {
    this.client.close();
  }
}

const asParley = (u: BenchUser): ParleyUser => {
  if (!(u instanceof ParleyUser)) throw new Error('not a Parley user');
  return u;
};

export function parleyTarget(url: string): Target {
  return {
    kind: 'parley',
    user: (name, hooks) => new ParleyUser(name, url, hooks),
    async befriend(a, b) {
      await asParley(a).client.contacts.request(b.name);
      await asParley(b).client.contacts.accept(a.name);
    },
    async direct(a, b) {
      return (await asParley(a).client.conversations.openDirect(b.name)).id;
    },
    async group(owner, members, name) {
      return (await asParley(owner).client.conversations.createGroup(name, members.map((m) => m.name))).id;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The bare relay: same transport settings as the SDK (WebSocket only, body as a binary attachment).

interface RelayMessage {
  room: string;
  seq: number;
  sender: string;
  body: Uint8Array;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

class RelayUser implements BenchUser {
  readonly socket: Socket;

  constructor(
    readonly name: string,
    url: string,
    hooks: UserHooks,
    localAddress: string | undefined,
  ) {
    this.socket = io(url, {
      transports: ['websocket'],
      ...(localAddress ? { localAddress } : {}),
      autoConnect: false,
      reconnectionDelay: 250,
      reconnectionDelayMax: 2_000,
      query: { user: name },
    });
    this.socket.on('message', (m: RelayMessage) =>
      hooks.onMessage({ conversationId: m.room, seq: m.seq, sender: m.sender, text: decoder.decode(m.body) }),
    );
    this.socket.on('disconnect', () => hooks.onDisconnect());
  }

  signup(): Promise<void> {
    return Promise.resolve();
  }

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        this.socket.off('connect', onConnect);
        reject(err);
      };
      const onConnect = () => {
        this.socket.off('connect_error', onError);
        resolve();
      };
      this.socket.once('connect', onConnect);
      this.socket.once('connect_error', onError);
      this.socket.connect();
    });
  }

  async join(room: string): Promise<void> {
    await this.socket.timeout(10_000).emitWithAck('join', room);
  }

  async send(room: string, text: string): Promise<void> {
    const answer: unknown = await this.socket.timeout(10_000).emitWithAck('send', { room, body: encoder.encode(text) });
    if (typeof answer !== 'object' || answer === null || !('seq' in answer)) throw new Error('relay: bad acknowledgement');
  }

  close(): void {
    this.socket.removeAllListeners();
    this.socket.close();
  }
}

const asRelay = (u: BenchUser): RelayUser => {
  if (!(u instanceof RelayUser)) throw new Error('not a relay user');
  return u;
};

export function relayTarget(url: string, localAddress: (index: number) => string | undefined = () => undefined): Target {
  let rooms = 0;
  let users = 0;
  const room = (prefix: string) => `${prefix}-${++rooms}-${randomBytes(4).toString('hex')}`;
  return {
    kind: 'relay',
    user: (name, hooks) => new RelayUser(name, url, hooks, localAddress(users++)),
    befriend: () => Promise.resolve(),
    async direct(a, b) {
      const id = room(`direct-${a.name}`);
      await Promise.all([asRelay(a).join(id), asRelay(b).join(id)]);
      return id;
    },
    async group(owner, members, name) {
      const id = room(name);
      await Promise.all([owner, ...members].map((m) => asRelay(m).join(id)));
      return id;
    },
  };
}
