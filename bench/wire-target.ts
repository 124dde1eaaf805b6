// Parley driven by a bare socket.io client (`--client wire`): the accounts are made through the SDK (sign-up needs its
// client-side KDF), then every user speaks Parley's socket protocol directly, as the relay's users speak the relay's —
// no SDK ordering, outbox, validation or decoding on the generators' side. The server does exactly what it does for
// the SDK (session, schema, policy, durable group commit, fan-out); only the generators' CPU differs, which on a
// shared 2-core machine is CPU the server does not get. The generator still checks every member's deliveries for
// loss, duplicates and order (load-generator.ts).
import { io, type Socket } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import type { MessageDto } from '../src/protocol/messages.js';
import { MLS_COMMIT, MLS_PRIVATE } from '../src/protocol/e2e.js';
import { ParleyClient } from '../src/sdk/index.js';
import { MlsMember, type PoolItem } from './mls-traffic.js';
import { BENCH_KDF, signUpBenchUser, type BenchUser, type Target, type UserHooks } from './targets.js';

export interface WireOptions {
  /** Set up end-to-end encryption for this user (an MLS device; its store kept in `mls`): `--body mls`, active users. */
  mls: boolean;
  /** Loopback address the socket connects from (spreads connections over several addresses' ephemeral ports). */
  localAddress: string | undefined;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

type Ack = { data?: unknown; error?: { code: string; message: string } };

export class WireUser implements BenchUser {
  readonly account: ParleyClient;
  readonly mls: MlsMember | undefined;
  private socket: Socket | undefined;

  constructor(
    readonly name: string,
    private readonly url: string,
    private readonly hooks: UserHooks,
    private readonly options: WireOptions = { mls: false, localAddress: undefined },
  ) {
    this.mls = options.mls ? new MlsMember(name) : undefined;
    this.account = new ParleyClient({
      baseUrl: url,
      kdf: { ...BENCH_KDF },
      minKdf: BENCH_KDF,
      encryption: this.mls ? 'mls' : 'none',
      ...(this.mls ? { secretStore: this.mls.store } : {}),
    });
  }

  signup(): Promise<void> {
    return signUpBenchUser(this.account, this.name);
  }

  connect(): Promise<void> {
    // The session cookie and Origin the SDK would send from Node (the SDK keeps them to itself: reached for here).
    const http = (this.account as unknown as { http: { nodeHandshakeHeaders(): Record<string, string> | undefined } }).http;
    const socket = io(this.url, {
      transports: ['websocket'],
      extraHeaders: http.nodeHandshakeHeaders() ?? {},
      ...(this.options.localAddress ? { localAddress: this.options.localAddress } : {}),
      reconnectionDelay: 250,
      reconnectionDelayMax: 2_000,
    });
    this.socket = socket;
    socket.on('message', ({ message }: { message: MessageDto }) =>
      this.hooks.onMessage({
        conversationId: message.conversationId,
        seq: message.seq,
        sender: message.sender,
        // An MLS body is matched by its bytes (bench/mls-traffic.ts bodyKey); only plain text is decoded.
        text: message.contentType === 'text/plain' ? decoder.decode(message.body) : '',
        body: message.body,
      }),
    );
    socket.on('disconnect', () => this.hooks.onDisconnect());
    // The server says `ready` once the connection joined its rooms.
    return new Promise((resolve, reject) => {
      socket.once('ready', () => resolve());
      socket.once('connect_error', reject);
    });
  }

  async request(event: string, payload: unknown): Promise<unknown> {
    if (!this.socket) throw new Error('not connected');
    const answer = (await this.socket.timeout(10_000).emitWithAck(event, payload)) as Ack;
    if (answer.error) throw new Error(`${event}: ${answer.error.code} ${answer.error.message}`);
    return answer.data;
  }

  async send(conversationId: string, text: string): Promise<void> {
    const data = (await this.request('messages:send', { conversationId, clientKey: uuidv7(), contentType: 'text/plain', body: encoder.encode(text) })) as {
      message?: { seq?: unknown };
    };
    if (typeof data.message?.seq !== 'number') throw new Error('parley: bad acknowledgement');
  }

  /** Sends one pooled MLS item (a PrivateMessage, or a commit with its GroupInfo); resolves once stored. */
  async sendMls(conversationId: string, item: PoolItem): Promise<void> {
    const payload =
      item.kind === 'commit'
        ? { conversationId, clientKey: uuidv7(), contentType: MLS_COMMIT, body: item.body, groupInfo: item.groupInfo }
        : { conversationId, clientKey: uuidv7(), contentType: MLS_PRIVATE, body: item.body };
    const data = (await this.request('messages:send', payload)) as { message?: { seq?: unknown } };
    if (typeof data.message?.seq !== 'number') throw new Error('parley: bad acknowledgement');
  }

  close(): void {
    this.socket?.removeAllListeners();
    this.socket?.close();
    this.account.close();
  }
}

const asWire = (u: BenchUser): WireUser => {
  if (!(u instanceof WireUser)) throw new Error('not a wire user');
  return u;
};

const idOf = (data: unknown): string => {
  const id = (data as { conversation?: { id?: unknown } }).conversation?.id;
  if (typeof id !== 'string') throw new Error('parley: no conversation in the answer');
  return id;
};

export function parleyWireTarget(url: string, options: (index: number) => WireOptions): Target {
  let n = 0;
  return {
    kind: 'parley',
    user: (name, hooks) => new WireUser(name, url, hooks, options(n++)),
    async befriend(a, b) {
      await asWire(a).request('contacts:request', { username: b.name });
      await asWire(b).request('contacts:accept', { username: a.name });
    },
    async direct(a, b) {
      return idOf(await asWire(a).request('conversations:openDirect', { username: b.name }));
    },
    async group(owner, members, name) {
      return idOf(await asWire(owner).request('conversations:createGroup', { name, usernames: members.map((m) => m.name) }));
    },
  };
}
