import type { FastifyInstance } from 'fastify';
import { EmptyRequest, OkResponse, SessionParams, SessionsResponse } from '../../../protocol/auth.js';
import { revokeSession } from '../../commands/revoke-session.js';
import { listSessionsOfUser } from '../../db/repositories/sessions.js';
import type { Deps } from '../../deps.js';
import { presentSession } from '../../presenters/session.js';
import { userRoute } from '../routing.js';

export function registerSessionRoutes(app: FastifyInstance, deps: Deps): void {
  userRoute(app, deps, { method: 'GET', url: '/api/auth/sessions', response: SessionsResponse }, async ({ actor }) => {
    const rows = await listSessionsOfUser(deps.db, actor.user.id);
    return { sessions: rows.map((r) => presentSession(r, actor.session.id, deps.config.session.idleMs)) };
  });

  userRoute(
    app,
    deps,
    { method: 'DELETE', url: '/api/auth/sessions/:id', params: SessionParams, body: EmptyRequest, response: OkResponse },
    async ({ actor, params }) => {
      await revokeSession(deps, actor, params.id);
      return { ok: true as const };
    },
  );
}
