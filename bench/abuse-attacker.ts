// The hostile user of `npm run bench:abuse`, in a process of its own (forked by bench/abuse.ts, reniced): its floods
// must load the server, not the process that measures the normal users. One IPC message per phase:
//   in:  { attack: 'slow' | 'flood', sockets, url, username, authKey, token, conversationId, durationMs }
//   out: { refused, rateLimited }
import type { Socket } from 'socket.io-client';
import { openSocket, post, tokenOf, type ConnectError } from '../test/support/raw-socket.js';

export interface AttackOrder {
  attack: 'slow' | 'flood';
  sockets: number;
  url: string;
  username: string;
  authKey: string;
  token: string;
  conversationId: string;
  durationMs: number;
}
export interface AttackReport {
  refused: number;
  rateLimited: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Opens `n` sockets of the attacker, 8 per session (a new log-in for each 8); counts the refused ones. */
async function openMany(order: AttackOrder): Promise<{ sockets: Socket[]; refused: number }> {
  const target = { url: order.url };
  const sockets: Socket[] = [];
  let refused = 0;
  let token = order.token;
  for (let i = 0; i < order.sockets; i++) {
    if (i > 0 && i % 8 === 0) token = tokenOf(await post(target, '/api/auth/login', { username: order.username, authKey: order.authKey }));
    try {
      sockets.push(await openSocket(target, token));
    } catch (err) {
      if ((err as ConnectError).data?.code !== 'TOO_MANY_CONNECTIONS') throw err;
      refused++;
    }
  }
  return { sockets, refused };
}

async function attack(order: AttackOrder): Promise<AttackReport> {
  const until = Date.now() + order.durationMs;
  const { sockets, refused } = await openMany(order);
  let rateLimited = 0;
  const count = (answer: { error?: { code: string } } | undefined) => {
    if (answer?.error?.code === 'RATE_LIMITED') rateLimited++;
  };
  const history = { conversationId: order.conversationId, limit: 100 };
  const after = { conversationId: order.conversationId, after: 0, limit: 500 };
  if (order.attack === 'slow') {
    // Stop reading from TCP, then ask for 64 KiB-message pages: 300 requests in ten seconds per socket, alternating
    // messages:history (limit 100) and messages:after (limit 500).
    for (const s of sockets) (s.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } }).ws._socket.pause();
    for (let i = 0; Date.now() < until; i++) {
      for (const s of sockets) s.emit(i % 2 ? 'messages:after' : 'messages:history', i % 2 ? after : history, count);
      await sleep(33);
    }
  } else {
    // Every socket the user may open floods whoami and messages:history as fast as it can write, reading the answers.
    while (Date.now() < until) {
      for (const s of sockets) {
        for (let k = 0; k < 10; k++) s.emit('whoami', {}, count);
        s.emit('messages:history', history, count);
      }
      await sleep(5);
    }
  }
  // Slow readers leave by dropping their TCP connections: a polite close would wait for the very output they never
  // read (and the server does not read what they send while their queue is full, the close among it), and the next
  // phase would find the user's socket slots still taken.
  if (order.attack === 'slow') for (const s of sockets) (s.io.engine.transport as unknown as { ws: { _socket: { destroy(): void } } }).ws._socket.destroy();
  for (const s of sockets) s.close();
  return { refused, rateLimited };
}

process.on('message', (order: AttackOrder) => {
  attack(order).then(
    (report) => process.send?.(report),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
