import type { FastifyInstance } from 'fastify';
import { OkResponse, SESSION_COOKIE } from '../../../protocol/auth.js';
import {
  RecoverRequest,
  RecoverResponse,
  RecoveryStatusResponse,
  ResealRecoveryRequest,
  SetRecoveryRequest,
} from '../../../protocol/recovery.js';
import { getRecovery, recoverAccount, resealRecoveryKey, setRecovery } from '../../commands/recovery.js';
import { endReplacedSession } from '../../commands/replace-session.js';
import type { Deps } from '../../deps.js';
import { presentUser } from '../../presenters/user.js';
import { publicRoute, userRoute } from '../routing.js';
import { setSessionCookie } from '../session-cookie.js';

/** Recovery keys: see src/protocol/recovery.ts. */
export function registerRecoveryRoutes(app: FastifyInstance, deps: Deps): void {
  userRoute(app, deps, { method: 'GET', url: '/api/recovery', response: RecoveryStatusResponse }, ({ actor }) => getRecovery(deps, actor));

  userRoute(
    app,
    deps,
    { method: 'PUT', url: '/api/recovery', body: SetRecoveryRequest, response: OkResponse },
    async ({ actor, body }) => {
      await setRecovery(deps, actor, body);
      return { ok: true as const };
    },
  );

  userRoute(
    app,
    deps,
    { method: 'POST', url: '/api/recovery/reseal', body: ResealRecoveryRequest, response: OkResponse },
    async ({ actor, body }) => {
      await resealRecoveryKey(deps, actor, body);
      return { ok: true as const };
    },
  );

  publicRoute(
    app,
    { method: 'POST', url: '/api/auth/recover', body: RecoverRequest, response: RecoverResponse },
    async ({ body, meta, req, reply }) => {
      const { user, token, session, escrow } = await recoverAccount(deps, body, meta);
      await endReplacedSession(deps, req.cookies[SESSION_COOKIE], session.id);
      setSessionCookie(reply, deps.config, token);
      return { user: presentUser(user), escrow };
    },
  );
}
