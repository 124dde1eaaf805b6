import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { RedisClientType } from 'redis';
import { Server, type Socket } from 'socket.io';
import { clientEventSchemas, type ClientToServerEvents, type ServerToClientEvents } from '../../protocol/realtime.js';
import type { Deps } from '../deps.js';
import type { DomainEvent, EventPublisher } from '../events/domain-events.js';
import { presentUser } from '../presenters/user.js';
import { onEvent, type SocketData } from './event-adapter.js';
import { allowRequestFor, authenticateHandshake } from './handshake.js';

export type ParleyIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export const sessionRoom = (id: string) => `session:${id}`;
export const userRoom = (id: string) => `user:${id}`;

/** Socket.io on the HTTP server: Origin allowlist, session-authenticated handshake, 64 KiB frames. */
export function attachRealtime(server: HttpServer, deps: Deps, redis: RedisClientType | undefined): ParleyIo {
  const io: ParleyIo = new Server(server, {
    maxHttpBufferSize: 64 * 1024,
    allowRequest: allowRequestFor(deps.config),
    serveClient: false,
    cors: { origin: deps.config.allowedOrigins, credentials: true },
    ...(redis ? { adapter: createAdapter(redis) } : {}),
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
        next();
      },
      (err: unknown) => {
        deps.log.error({ err }, 'socket handshake failed');
        next(new Error('INTERNAL'));
      },
    );
  });

  io.on('connection', (socket: Socket) => {
    const { actor } = socket.data as SocketData;
    void socket.join([sessionRoom(actor.session.id), userRoom(actor.user.id)]);
    onEvent(socket, deps, 'whoami', clientEventSchemas.whoami, (a) =>
      Promise.resolve({ user: presentUser(a.user), sessionId: a.session.id }),
    );
  });

  return io;
}

/** After-commit fan-out of domain events to socket rooms (on every instance, through the adapter). */
export function realtimePublisher(getIo: () => ParleyIo | undefined): EventPublisher {
  return {
    publish(event: DomainEvent) {
      const io = getIo();
      if (!io) return;
      if (event.type === 'sessions.revoked' && event.sessionIds.length > 0) {
        const rooms = event.sessionIds.map(sessionRoom);
        io.in(rooms).emit('session:revoked', { reason: event.reason });
        io.in(rooms).disconnectSockets(true);
      }
    },
  };
}
