import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesceWrites } from '../../src/server/realtime/coalesce-writes.js';

interface Running {
  http: HttpServer;
  io: Server;
  client: ClientSocket;
  /** Socket writes (each a write or writev system call) the server made to this client since `reset`. */
  writes: () => number;
  reset: () => void;
}

const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    r.client.close();
    await r.io.close();
  }
});

/**
 * A socket.io server (with or without coalescing) and one WebSocket client; counts the TCP writes the server makes to
 * it. The server answers `ping` the way Parley answers a send: the message with its binary body to the room (the
 * sender included), then the acknowledgement carrying it, in the same turn.
 */
async function start(coalesce: boolean): Promise<Running> {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'], serveClient: false });
  if (coalesce) io.engine.on('connection', (engineSocket: Socket['conn']) => coalesceWrites(engineSocket, (err) => { throw err; }));
  let writes = 0;
  const connected = new Promise<void>((resolve) => {
    io.on('connection', (socket: Socket) => {
      const tcp = (socket.conn.transport as unknown as { socket: { _socket: NetSocket } }).socket._socket;
      const counted = tcp as unknown as { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
      const write = counted._write.bind(tcp);
      const writev = counted._writev.bind(tcp);
      counted._write = (...a) => (writes++, write(...a));
      counted._writev = (...a) => (writes++, writev(...a));
      void socket.join('room');
      // The server shuts down in the same turn as it answers (what happens to a send acknowledged at SIGTERM).
      socket.on('bye', (ack: (r: unknown) => void) => {
        ack({ ok: true });
        void io.close();
      });
      socket.on('ping', (n: number, ack: (r: unknown) => void) => {
        const message = { seq: n, body: new Uint8Array([n, 1, 2, 3]) };
        io.to('room').emit('message', message);
        ack({ data: { message } });
      });
      resolve();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const client = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
  await connected;
  await new Promise<void>((resolve) => (client.connected ? resolve() : client.once('connect', () => resolve())));
  const r: Running = { http, io, client, writes: () => writes, reset: () => (writes = 0) };
  running.push(r);
  return r;
}

async function exchange(r: Running, n: number): Promise<{ seq: number; body: Uint8Array }> {
  const got = new Promise<{ seq: number; body: Uint8Array }>((resolve) => r.client.once('message', resolve));
  const ack = (await r.client.emitWithAck('ping', n)) as { data: { message: { seq: number; body: Uint8Array } } };
  const message = await got;
  expect(ack.data.message.seq).toBe(n);
  return message;
}

describe('coalesced socket writes', () => {
  it('without coalescing, a binary message and its acknowledgement take several writes (the baseline this fixes)', async () => {
    const r = await start(false);
    await exchange(r, 1);
    r.reset();
    await exchange(r, 2);
    expect(r.writes()).toBeGreaterThanOrEqual(3);
  });

  it('with coalescing, the message, its binary attachment and the acknowledgement leave in one write, in order and whole', async () => {
    const r = await start(true);
    await exchange(r, 1);
    for (let n = 2; n < 12; n++) {
      r.reset();
      const message = await exchange(r, n);
      expect(Array.from(message.body)).toEqual([n, 1, 2, 3]);
      expect(r.writes()).toBe(1);
    }
  });

  it('still delivers a reply written in the turn the server closes every connection', async () => {
    const r = await start(true);
    await expect(r.client.timeout(2_000).emitWithAck('bye')).resolves.toEqual({ ok: true });
  });

  it('keeps the order of everything written in one turn', async () => {
    const r = await start(true);
    const seen: number[] = [];
    r.client.on('message', (m: { seq: number }) => seen.push(m.seq));
    // Each message is written before its ack on the same connection: once the last ack is in, every message is too.
    await Promise.all(Array.from({ length: 50 }, (_, i) => r.client.emitWithAck('ping', i)));
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
