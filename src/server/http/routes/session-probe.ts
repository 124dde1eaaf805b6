import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE, SessionProbeResponse } from '../../../protocol/auth.js';
import { authenticate } from '../../commands/authenticate.js';
import type { Deps } from '../../deps.js';
import { presentUser } from '../../presenters/user.js';
import { publicRoute } from '../routing.js';

/**
 * GET /api/auth/session: the signed-in user or null, always 200. The web UI asks this first, so a page loaded while
 * signed out does not log a 401 in the console; the identity still comes only from the session cookie.
 */
export function registerSessionProbeRoute(app: FastifyInstance, deps: Deps): void {
  publicRoute(app, { method: 'GET', url: '/api/auth/session', response: SessionProbeResponse }, async ({ req }) => {
    const actor = await authenticate(deps, req.cookies[SESSION_COOKIE]);
    return { user: actor ? presentUser(actor.user) : null };
  });
}
