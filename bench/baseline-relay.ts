// The baseline: a bare socket.io 4.8 server that relays each message to a room and acknowledges it. No auth, no
// storage, no validation, no rate limits — what Parley's throughput is compared with (bench/run.ts starts it).
//   npx tsx bench/baseline-relay.ts [--port 0] [--host 127.0.0.1]
// Prints one JSON line {"listening":<port>,"pid":<pid>} on stdout once it accepts connections.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Server } from 'socket.io';

interface SendPayload {
  room: string;
  body: Uint8Array;
}

const isSend = (p: unknown): p is SendPayload =>
  typeof p === 'object' && p !== null && typeof (p as { room?: unknown }).room === 'string';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } },
});

const http = createServer();
// Same transport settings as Parley: WebSocket, 64 KiB frames, no client bundle served.
const io = new Server(http, { transports: ['websocket'], maxHttpBufferSize: 64 * 1024, serveClient: false });
const seqs = new Map<string, number>();

io.on('connection', (socket) => {
  const user = typeof socket.handshake.query.user === 'string' ? socket.handshake.query.user : socket.id;
  socket.on('join', (room: unknown, ack: unknown) => {
    if (typeof room === 'string') void socket.join(room);
    if (typeof ack === 'function') (ack as (r: { ok: true }) => void)({ ok: true });
  });
  socket.on('send', (payload: unknown, ack: unknown) => {
    if (!isSend(payload) || typeof ack !== 'function') return;
    const seq = (seqs.get(payload.room) ?? 0) + 1;
    seqs.set(payload.room, seq);
    // Like Parley, every member — the sender's own connections too — gets the message.
    io.to(payload.room).emit('message', { room: payload.room, seq, sender: user, body: payload.body });
    (ack as (r: { seq: number }) => void)({ seq });
  });
});

http.listen(Number(values.port), values.host, () => {
  const { port } = http.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ listening: port, pid: process.pid })}\n`);
});

const stop = () => {
  void io.close();
  http.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
