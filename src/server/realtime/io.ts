import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { RedisClientType } from 'redis';
import { Server, type Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../protocol/realtime.js';
import { listContactIds } from '../db/repositories/contacts.js';
import { listConversationIdsOfUser } from '../db/repositories/conversations.js';
import type { Deps } from '../deps.js';
import type { SocketData } from './event-adapter.js';
import { buildEventRouter } from './handlers.js';
import { isAllowedOrigin } from '../http/guards.js';
import { allowRequestFor, authenticateHandshake } from './handshake.js';
import { coalesceWrites } from './coalesce-writes.js';
import { redisStreamsAdapter } from './redis-adapter.js';
import { capOutput } from './backpressure.js';
import { AppError } from '../errors.js';
import { conversationRoom, sessionRoom, userRoom } from './rooms.js';

export type ParleyIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Socket.io on the HTTP server: Origin allowlist, session-authenticated handshake, 64 KiB frames. */
export function attachRealtime(server: HttpServer, deps: Deps, redis: RedisClientType | undefined): ParleyIo {
  const io: ParleyIo = new Server(server, {
    // A body (≤ 64 KiB) travels as its own binary WebSocket frame, so 64 KiB frames carry the largest message.
    maxHttpBufferSize: 64 * 1024,
    transports: deps.config.transports,
    allowRequest: allowRequestFor(deps.config),
    serveClient: false,
    cors: { origin: deps.config.allowedOrigins, credentials: true },
    ...(redis ? { adapter: redisStreamsAdapter(redis, deps.log) } : {}),
  });

  // One socket write per connection per turn of the event loop (coalesce-writes.ts).
  io.engine.on('connection', (engineSocket: Socket['conn']) =>
    coalesceWrites(engineSocket, (err: unknown) => deps.log.error({ err }, 'socket write failed; connection closed')));

  // allowRequest checks the handshake; this checks every later polling request and the WebSocket upgrade too.
  io.engine.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
    if (isAllowedOrigin(deps.config, req.headers.origin)) next();
    else {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'FORBIDDEN_ORIGIN', message: 'Origin not allowed.' } }));
    }
  });

  io.use((socket, next) => {
    authenticateHandshake(deps, socket.request).then(
      (actor) => {
        if (!actor) {
          const err = new Error('UNAUTHENTICATED') as Error & { data?: unknown };
          err.data = { code: 'UNAUTHENTICATED', message: 'You are not signed in.' };
          next(err);
          return;
        }
        socket.data.actor = actor;
        try {
          // Sockets per session and per user; the slot is freed when the connection ends, however it ends.
          const release = deps.budgets.sockets.reserve(actor.user.id, actor.session.id);
          socket.conn.once('close', release);
          socket.once('disconnect', release);
        } catch (err) {
          const body = err instanceof AppError ? err.toBody().error : { code: 'INTERNAL', message: 'Something went wrong on our side.' };
          const refused = new Error(body.code) as Error & { data?: unknown };
          refused.data = body;
          next(refused);
          return;
        }
        next();
      },
      (err: unknown) => {
        deps.log.error({ err }, 'socket handshake failed');
        const e = new Error('INTERNAL') as Error & { data?: unknown };
        e.data = { code: 'INTERNAL', message: 'The server could not check the session; try again.' };
        next(e);
      },
    );
  });

  const router = buildEventRouter(deps);
  io.on('connection', (socket: Socket) => {
    // Events first, so none is missed while the rooms are being joined.
    router.attach(socket);
    capOutput(socket, { maxBytes: deps.config.backpressure.outputMaxBytes, log: deps.log, userId: (socket.data as SocketData).actor.user.id });
    void onConnected(io, socket, deps).catch((err: unknown) => {
      deps.log.error({ err }, 'socket setup failed');
      socket.disconnect(true);
    });
  });

  return io;
}

async function onConnected(io: ParleyIo, socket: Socket, deps: Deps): Promise<void> {
  const { actor } = socket.data as SocketData;
  const conversations = await listConversationIdsOfUser(deps.db, actor.user.id);
  await socket.join([sessionRoom(actor.session.id), userRoom(actor.user.id), ...conversations.map(conversationRoom)]);
  socket.on('disconnect', () => {
    deps.presence
      .disconnected(actor.user.id)
      .then((offline) => (offline ? announcePresence(io, deps, actor.user.id, actor.user.username, false) : undefined))
      .catch((err: unknown) => deps.log.warn({ err }, 'presence update failed'));
  });
  if (await deps.presence.connected(actor.user.id)) await announcePresence(io, deps, actor.user.id, actor.user.username, true);
  socket.emit('ready', {});
}

/** Presence goes to contacts only (a blocked user is no longer a contact). */
async function announcePresence(io: ParleyIo, deps: Deps, userId: string, username: string, online: boolean): Promise<void> {
  const contacts = await listContactIds(deps.db, userId);
  if (contacts.length > 0) io.to(contacts.map(userRoom)).emit('presence', { username, online });
}
