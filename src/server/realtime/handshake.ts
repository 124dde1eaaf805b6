import type { IncomingMessage } from 'node:http';
import { fastifyCookie } from '@fastify/cookie';
import { SESSION_COOKIE } from '../../protocol/auth.js';
import { authenticate } from '../commands/authenticate.js';
import type { Config } from '../config.js';
import type { Deps } from '../deps.js';
import { isAllowedOrigin } from '../http/guards.js';
import type { Actor } from '../policies/actor.js';

/**
 * engine.io's allowRequest runs for the polling handshake and the WebSocket upgrade alike (CORS does not protect
 * WebSockets): a foreign or missing Origin is refused before any socket exists.
 */
export function allowRequestFor(config: Config) {
  return (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void): void => {
    const ok = isAllowedOrigin(config, req.headers.origin);
    callback(ok ? null : 'FORBIDDEN_ORIGIN', ok);
  };
}

/** The session cookie of the handshake request → the actor, or undefined. */
export function authenticateHandshake(deps: Deps, req: IncomingMessage): Promise<Actor | undefined> {
  const cookies = fastifyCookie.parse(req.headers.cookie ?? '');
  return authenticate(deps, cookies[SESSION_COOKIE]);
}
