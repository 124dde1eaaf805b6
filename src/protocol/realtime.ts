import { z } from 'zod';
import type { ErrorBody } from './errors.js';
import { UserDto } from './auth.js';

/** Every socket acknowledgement is `{ data }` on success or `{ error: { code, message } }`. */
export type Ack<T> = { data: T } | ErrorBody;
export type AckFn<T> = (response: Ack<T>) => void;

export const WhoamiRequest = z.strictObject({});
export const WhoamiResponse = z.strictObject({ user: UserDto, sessionId: z.uuid() });
export type WhoamiResponse = z.infer<typeof WhoamiResponse>;

/** Client → server events: each takes one payload (parsed by its schema) and an acknowledgement. */
export interface ClientToServerEvents {
  whoami: (payload: unknown, ack: AckFn<WhoamiResponse>) => void;
}

/** Server → client events. */
export interface ServerToClientEvents {
  'session:revoked': (payload: { reason: 'logout' | 'revoked' | 'password-changed' }) => void;
}

/** Schemas of client → server event payloads, one per event: the realtime adapter parses with these. */
export const clientEventSchemas = {
  whoami: WhoamiRequest,
} as const;
