import type { Socket } from 'socket.io';
import type { z } from 'zod';
import type { Ack } from '../../protocol/realtime.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { parseInput } from '../http/validate.js';
import type { Actor } from '../policies/actor.js';

export interface SocketData {
  actor: Actor;
}

/**
 * One socket event: validate the payload with its schema → run the command as the session's actor → ack.
 * An event without an acknowledgement callback is dropped (nobody could hear the answer), never run.
 */
export function onEvent<S extends z.ZodType, R>(
  socket: Socket,
  deps: Deps,
  event: string,
  schema: S,
  handler: (actor: Actor, input: z.infer<S>) => Promise<R>,
): void {
  socket.on(event, async (...args: unknown[]) => {
    const ack = args[args.length - 1];
    if (typeof ack !== 'function' || args.length !== 2) {
      if (typeof ack === 'function') {
        (ack as (r: Ack<R>) => void)({
          error: { code: 'VALIDATION_FAILED', message: `${event} takes one payload and an acknowledgement` },
        });
      }
      return;
    }
    const reply = ack as (r: Ack<R>) => void;
    try {
      const input = parseInput(schema, args[0], `${event} payload`);
      const data = await handler((socket.data as SocketData).actor, input);
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
