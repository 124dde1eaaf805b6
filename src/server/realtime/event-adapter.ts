import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { clientEvents, type Ack, type ClientEventName, type ClientEventResponse } from '../../protocol/realtime.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { parseInput } from '../http/validate.js';
import type { Actor } from '../policies/actor.js';
import { consumeOrThrow } from '../security/rate-limits.js';

export interface SocketData {
  actor: Actor;
}

type Handler<E extends ClientEventName> = (
  actor: Actor,
  input: z.infer<(typeof clientEvents)[E]['request']>,
  socket: Socket,
) => Promise<ClientEventResponse<E>>;

/**
 * One socket event: rate limit → validate the payload with its protocol schema → run the command as the session's
 * actor → ack. An event without an acknowledgement callback is dropped (nobody could hear the answer), never run.
 */
export function onEvent<E extends ClientEventName>(socket: Socket, deps: Deps, event: E, handler: Handler<E>): void {
  const schema: z.ZodType<z.infer<(typeof clientEvents)[E]['request']>, unknown> = clientEvents[event].request as never;
  const name: string = event;
  socket.on(name, async (...args: unknown[]) => {
    const ack = args[args.length - 1];
    if (typeof ack !== 'function') return;
    const reply = ack as (r: Ack<ClientEventResponse<E>>) => void;
    try {
      if (args.length !== 2) throw new AppError('VALIDATION_FAILED', `${event} takes one payload and an acknowledgement.`);
      await consumeOrThrow(deps.limiters.eventsPerConnection, socket.id);
      if (event === 'messages:send') await consumeOrThrow(deps.limiters.messagesPerConnection, socket.id);
      const input = parseInput(schema, args[0], `${event} payload`);
      const data = await handler((socket.data as SocketData).actor, input, socket);
      reply({ data });
    } catch (err) {
      if (err instanceof AppError) {
        reply(err.toBody());
      } else {
        deps.log.error({ err, event }, 'socket event failed');
        reply({ error: { code: 'INTERNAL', message: 'Something went wrong on our side.' } });
      }
    }
  });
}
