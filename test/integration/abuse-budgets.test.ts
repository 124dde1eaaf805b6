import { randomBytes } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/protocol/messages.js';
import { dialect, testEnv } from '../support/env.js';
import { ask, openSocket, rawAccount, type Answer, type ConnectError, type RawAccount } from '../support/raw-socket.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { eventually } from '../support/users.js';

const MESSAGES = 40;
const PAGE_KIB = 256;
const RECORD_BYTES = 60 * 1024;

/** A server with `env`; alice and bob, contacts; bob's direct conversation with alice holds `messages` bodies of 64 KiB. */
async function serverWithBigHistory(env: Record<string, string>, messages: number, sockets: Socket[]) {
  const t = await startTestServer({ env });
  const open = async (token: string) => {
    const s = await openSocket(t, token);
    sockets.push(s);
    return s;
  };
  const alice = await rawAccount(t, 'alice');
  const bob = await rawAccount(t, 'bob');
  const a = await open(alice.token);
  const b = await open(bob.token);
  expect(await ask(a, 'contacts:request', { username: 'bob' })).toHaveProperty('data');
  expect(await ask(b, 'contacts:accept', { username: 'alice' })).toHaveProperty('data');
  const opened = (await ask(b, 'conversations:openDirect', { username: 'alice' })) as { data: { conversation: { id: string } } };
  const conversationId = opened.data.conversation.id;
  // One at a time (one request in flight per connection in some of these servers).
  for (let i = 0; i < messages; i++) {
    const sent = await ask(b, 'messages:send', {
      conversationId, clientKey: `big-${String(i).padStart(8, '0')}`, contentType: 'text/plain', body: Buffer.alloc(MAX_BODY_BYTES, 0x61 + (i % 26)),
    });
    expect(sent.error).toBeUndefined();
  }
  return { t, alice, bob, conversationId, open };
}

/** Backpressure and budgets: per connection (in flight, unsent output, page bytes) and per user (sockets, rates). */
describe(`backpressure and per-user budgets (${dialect})`, () => {
  let t: TestServer;
  let alice: RawAccount;
  let bob: RawAccount;
  let conversationId: string;
  let open: (token: string) => Promise<Socket>;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    ({ t, alice, bob, conversationId, open } = await serverWithBigHistory(
      {
        SOCKET_REQUESTS_IN_FLIGHT: '1',
        SOCKET_REQUESTS_QUEUED: '2',
        SOCKET_OUTPUT_MAX_KIB: '512',
        PAGE_MAX_KIB: String(PAGE_KIB),
        MESSAGES_PER_CONNECTION_PER_10S: '1000',
        MESSAGES_PER_USER_PER_10S: '1000',
        USER_REQUESTS_IN_FLIGHT: '1',
        USER_PAGE_READS_IN_FLIGHT: '1',
        // The page budget has its own tests (below): here slow readers must reach the output cap quickly.
        USER_PAGE_KIB_PER_SECOND: '1048576',
        USER_PAGE_BURST_KIB: '1048576',
      },
      MESSAGES,
      sockets,
    ));
  }, 120_000);
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(() => t.close());

  it('history and catch-up pages are capped by bytes, with hasMore; following hasMore reads everything once', async () => {
    const s = await open(bob.token);
    const perPage = Math.floor((PAGE_KIB * 1024) / MAX_BODY_BYTES);
    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = (await ask(s, 'messages:history', { conversationId, limit: 100, ...(before ? { before } : {}) })) as {
        data: { messages: { seq: number }[]; hasMore: boolean };
      };
      expect(page.data.messages.length).toBeLessThanOrEqual(perPage);
      expect(page.data.messages.length).toBeGreaterThan(0);
      seen.unshift(...page.data.messages.map((m) => m.seq));
      before = page.data.messages[0]?.seq;
      if (!page.data.hasMore) break;
    }
    expect(seen).toEqual(Array.from({ length: MESSAGES }, (_, i) => i + 1));

    const after: number[] = [];
    let from = 0;
    for (;;) {
      const page = (await ask(s, 'messages:after', { conversationId, after: from, limit: 500 })) as {
        data: { messages: { seq: number }[]; hasMore: boolean };
      };
      expect(page.data.messages.length).toBeLessThanOrEqual(perPage);
      after.push(...page.data.messages.map((m) => m.seq));
      from = after[after.length - 1] ?? from;
      if (!page.data.hasMore) break;
    }
    expect(after).toEqual(seen);
  });

  it('drops at once the connection of a client that leaves while output waits for it (no 30 s close handshake)', async () => {
    const slow = await open(alice.token);
    const tcp = (slow.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } }).ws._socket;
    tcp.pause();
    const engine = t.server.io.engine;
    const [conn] = [...t.server.io.sockets.sockets.values()].filter((s) => s.id === slow.id).map((s) => s.conn);
    const unsent = () => (conn?.transport as unknown as { socket?: { bufferedAmount?: number } } | undefined)?.socket?.bufferedAmount ?? 0;
    // Pages until some output waits in the server's process (the kernel's buffers are full), short of the cut.
    for (let i = 0; i < 1_000 && unsent() === 0; i++) {
      slow.emit('messages:history', { conversationId, limit: 100 }, () => undefined);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(unsent()).toBeGreaterThan(0);
    const before = engine.clientsCount;
    slow.disconnect();
    await eventually(() => engine.clientsCount === before - 1, 5_000, 'the connection to be dropped');
  });

  it('vault:list answers are capped by bytes too, with hasMore; asking again after the last record reads every one once', async () => {
    const s = await open(bob.token);
    const perPage = Math.floor((PAGE_KIB * 1024) / RECORD_BYTES);
    // Sealed copies of 60 KiB (a frame is at most 64 KiB), for seqs 1..16 but 7: opaque bytes to the server.
    const seqs = Array.from({ length: 16 }, (_, i) => i + 1).filter((seq) => seq !== 7);
    for (let i = 0; i < seqs.length; i += 8) {
      const records = seqs.slice(i, i + 8).map((seq) => ({ seq, keyVersion: 1, body: Buffer.alloc(RECORD_BYTES, seq) }));
      expect(await ask(s, 'vault:put', { conversationId, records })).toEqual({ data: { stored: records.length } });
    }
    const got: number[] = [];
    let rest = Array.from({ length: 16 }, (_, i) => i + 1);
    while (rest.length > 0) {
      const answer = (await ask(s, 'vault:list', { conversationId, seqs: rest })) as {
        data: { records: { seq: number; body: Buffer }[]; hasMore: boolean };
      };
      expect(answer.data.records.length).toBeLessThanOrEqual(perPage);
      for (const r of answer.data.records) expect(Buffer.from(r.body).every((b) => b === r.seq)).toBe(true);
      got.push(...answer.data.records.map((r) => r.seq));
      const last = got.at(-1) ?? 0;
      rest = answer.data.hasMore ? rest.filter((seq) => seq > last) : [];
    }
    expect(got).toEqual(seqs);
  });

  it('runs one request at a time per connection here, queues two, and answers the rest RATE_LIMITED at once', async () => {
    const s = await open(alice.token);
    // Written in one turn, read by the server in one turn: the gate sees them all before the first one ends. Five: one
    // runs, two wait, the queue is full (input held), two more arrive held (at most SOCKET_REQUESTS_QUEUED may).
    const answers = await Promise.all(Array.from({ length: 5 }, () => ask(s, 'messages:history', { conversationId, limit: 1 })));
    const refused = answers.filter((a) => a.error?.code === 'RATE_LIMITED');
    const served = answers.filter((a) => a.data !== undefined);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]?.error?.message).toMatch(/at once/);
    expect(served.length).toBeGreaterThanOrEqual(3);
    expect(served.length + refused.length).toBe(5);
    // The connection stays usable once its answers are in.
    expect(await ask(s, 'whoami', {})).toHaveProperty('data');
  });

  it('queues a user\'s page reads over two connections (one at a time here): all answered, none refused', async () => {
    const one = await open(bob.token);
    const two = await open(await bob.login());
    const other = await open(alice.token);
    // Three per connection (one in flight, two queued), six for the user: each waits for the user's one slot. Pages of
    // two 64 KiB messages: three answers stay under this server's output cap even before the client reads them.
    const reads = [one, two].flatMap((s) =>
      Array.from({ length: 3 }, (_, i) => ask(s, i % 2 ? 'messages:after' : 'messages:history', i % 2 ? { conversationId, after: 0, limit: 2 } : { conversationId, limit: 2 })),
    );
    // Another user is answered meanwhile.
    expect(await ask(other, 'whoami', {})).toHaveProperty('data');
    const answers = (await Promise.all(reads)) as { data?: { messages: unknown[] }; error?: unknown }[];
    expect(answers.map((a) => a.error)).toEqual(Array.from({ length: 6 }, () => undefined));
    for (const a of answers) expect(a.data?.messages).toHaveLength(2);
  });

  it('cuts, and logs, a connection that goes on sending while its input is held; others go on', async () => {
    const reader = await open(bob.token);
    const flooder = await open(alice.token);
    const gone = new Promise<string>((resolve) => flooder.once('disconnect', resolve));
    // Written in one turn: one runs, two wait, the queue is full and input is held, but the server has already read
    // the rest; two more may arrive held (SOCKET_REQUESTS_QUEUED), the next one cuts the connection.
    for (let i = 0; i < 40; i++) flooder.emit('whoami', {}, () => undefined);
    expect(await gone).toMatch(/transport (close|error)/);
    await eventually(() => t.logs.lines.some((l) => l.includes('socket input over its cap')), 10_000, 'the cut to be logged');
    const line = JSON.parse(t.logs.lines.find((l) => l.includes('socket input over its cap')) ?? '{}') as { userId?: string; events?: number };
    expect(typeof line.userId).toBe('string');
    expect(line.events).toBe(3);
    expect(await ask(reader, 'whoami', {})).toHaveProperty('data');
  });

  it('cuts, and logs, a connection that stops reading once its unsent output passes the cap; others go on', async () => {
    const reader = await open(bob.token);
    const slow = await open(alice.token);
    // Stop reading from the TCP socket, as a hostile client would, and keep asking for 64 KiB pages.
    const tcp = (slow.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } }).ws._socket;
    tcp.pause();
    // Its requests must get in (one in flight, two queued here): a few at a time, until the server gives up on it.
    const cutLine = () => t.logs.lines.find((l) => l.includes('socket output over its cap'));
    for (let i = 0; i < 1_000 && cutLine() === undefined; i++) {
      slow.emit('messages:history', { conversationId, limit: 100 }, () => undefined);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(cutLine()).toBeDefined();
    const line = JSON.parse(cutLine() ?? '{}') as { unsentBytes?: number; maxBytes?: number };
    expect(line.maxBytes).toBe(512 * 1024);
    expect(line.unsentBytes).toBeGreaterThan(512 * 1024);
    // One packet past the cap at most: a page (PAGE_KIB) and its frame.
    expect(line.unsentBytes).toBeLessThan((512 + PAGE_KIB + 64) * 1024);
    await eventually(() => t.server.io.sockets.sockets.size === 1, 10_000, 'the slow socket to be gone');
    expect(await ask(reader, 'whoami', {})).toHaveProperty('data');
  });

});

/** The page budget: one user's pages over all their connections are paced; nobody else's are. */
describe(`page budget per user (${dialect})`, () => {
  let t: TestServer;
  let alice: RawAccount;
  let bob: RawAccount;
  let conversationId: string;
  let open: (token: string) => Promise<Socket>;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Pages of 4 bodies of 64 KiB; a burst of two pages, then two pages a second.
    ({ t, alice, bob, conversationId, open } = await serverWithBigHistory({ PAGE_MAX_KIB: '256', USER_PAGE_BURST_KIB: '512',
      USER_PAGE_KIB_PER_SECOND: '512', MESSAGES_PER_CONNECTION_PER_10S: '1000', MESSAGES_PER_USER_PER_10S: '1000' }, 8, sockets));
  }, 120_000);
  afterAll(async () => {
    for (const s of sockets.splice(0)) s.close();
    await t.close();
  });

  it('makes a user who asks for page after page over two connections wait (never refused) while another user is served', async () => {
    const [a1, a2, b] = [await open(alice.token), await open(alice.token), await open(bob.token)];
    const order: string[] = [];
    const page = (s: Socket, who: string) =>
      ask(s, 'messages:history', { conversationId, limit: 100 }).then((answer: Answer) => {
        expect(answer.error).toBeUndefined();
        order.push(who);
      });
    // Alice: 8 pages of 256 KiB over two sockets, 4 times her burst: the last ones wait for her budget to refill.
    const alices = Array.from({ length: 8 }, (_, i) => page(i % 2 ? a2 : a1, 'alice'));
    // Bob asks once Alice's burst is spent: he is answered before Alice's last pages.
    await eventually(() => order.length >= 2, 10_000, 'alice\'s first pages');
    await page(b, 'bob');
    await Promise.all(alices);
    expect(order.filter((w) => w === 'alice')).toHaveLength(8);
    expect(order.indexOf('bob')).toBeLessThan(order.length - 2);
  });
});

describe(`per-user budgets (${dialect})`, () => {
  let t: TestServer;
  const sockets: Socket[] = [];
  const open = async (token: string) => {
    const s = await openSocket(t, token);
    sockets.push(s);
    return s;
  };
  beforeAll(async () => {
    t = await startTestServer({ env: { SOCKETS_PER_SESSION: '2', SOCKETS_PER_USER: '3', EVENTS_PER_USER_PER_10S: '40' } });
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(() => t.close());

  it('caps sockets per session and per user with TOO_MANY_CONNECTIONS; a closed socket frees its slot', async () => {
    const carol = await rawAccount(t, 'carol');
    const first = await open(carol.token);
    await open(carol.token);
    const third = await openSocket(t, carol.token).catch((e: unknown) => e as ConnectError);
    expect(third).toBeInstanceOf(Error);
    expect((third as ConnectError).data?.code).toBe('TOO_MANY_CONNECTIONS');
    expect((third as ConnectError).data?.message).toMatch(/session/);

    const other = await carol.login();
    await open(other);
    const fourth = await openSocket(t, other).catch((e: unknown) => e as ConnectError);
    expect((fourth as ConnectError).data?.code).toBe('TOO_MANY_CONNECTIONS');
    expect((fourth as ConnectError).data?.message).toMatch(/account/);

    first.close();
    await eventually(() => t.server.deps.budgets.sockets.count(carolId()) === 2, 5_000, 'the slot to be freed');
    await open(other);
  });

  it('counts events per user across connections: two sockets share one budget', async () => {
    const dave = await rawAccount(t, 'dave');
    const one = await open(dave.token);
    const two = await open(await dave.login());
    const answers: Answer[] = [];
    // 25 + 25 > 40 per user, each far below the per-connection limit (300).
    for (let i = 0; i < 25; i++) answers.push(await ask(one, 'whoami', {}), await ask(two, 'whoami', {}));
    const refused = answers.filter((a) => a.error?.code === 'RATE_LIMITED');
    expect(answers.filter((a) => a.data !== undefined)).toHaveLength(40);
    expect(refused).toHaveLength(10);
    // Another user is untouched.
    const b = await open((await rawAccount(t, 'bob')).token);
    expect(await ask(b, 'whoami', {})).toHaveProperty('data');
  });

  function carolId(): string {
    for (const s of t.server.io.sockets.sockets.values()) {
      const user = (s.data as { actor: { user: { id: string; username: string } } }).actor.user;
      if (user.username === 'carol') return user.id;
    }
    return '';
  }
});

/** Two instances behind one load balancer share each user's event budget through Redis. */
describe.skipIf(!testEnv.redisUrl)(`per-user event budget shared through Redis by two instances (${dialect})`, () => {
  let a: TestServer;
  let b: TestServer;
  const sockets: Socket[] = [];
  // The Redis key is the lower-case user name: a fresh name per run keeps runs (and parallel runs) apart.
  const username = `bu-${randomBytes(9).toString('hex')}`;

  beforeAll(async () => {
    const env = { EVENTS_PER_USER_PER_10S: '30' };
    [a, b] = await Promise.all([startTestServer({ redis: true, env }), startTestServer({ redis: true, env })]);
  });
  afterAll(async () => {
    for (const s of sockets.splice(0)) s.close();
    await Promise.all([a?.close(), b?.close()]);
  });

  it('20 events on A and 20 on B: 30 are served, 10 refused, on both instances alike', async () => {
    // Each test server has its own database: the same account on both, as if they shared one.
    const onA = await openSocket(a, (await rawAccount(a, username)).token);
    const onB = await openSocket(b, (await rawAccount(b, username)).token);
    sockets.push(onA, onB);
    const answers: Answer[] = [];
    for (let i = 0; i < 20; i++) answers.push(await ask(onA, 'whoami', {}), await ask(onB, 'whoami', {}));
    expect(answers.filter((x) => x.data !== undefined)).toHaveLength(30);
    expect(answers.filter((x) => x.error?.code === 'RATE_LIMITED')).toHaveLength(10);
    expect((await ask(onA, 'whoami', {})).error?.code).toBe('RATE_LIMITED');
    expect((await ask(onB, 'whoami', {})).error?.code).toBe('RATE_LIMITED');
  });
});
