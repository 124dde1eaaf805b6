import type { FastifyInstance } from 'fastify';
import { DeleteAccountRequest, RevokeOthersResponse } from '../../../protocol/account.js';
import { EmptyRequest, OkResponse } from '../../../protocol/auth.js';
import { deleteOwnAccount } from '../../commands/delete-own-account.js';
import { revokeOtherSessions } from '../../commands/revoke-other-sessions.js';
import type { Deps } from '../../deps.js';
import { userRoute } from '../routing.js';
import { clearSessionCookie } from '../session-cookie.js';

/** The user's own account: sign out everywhere else, delete the account. */
export function registerAccountRoutes(app: FastifyInstance, deps: Deps): void {
  userRoute(
    app,
    deps,
    { method: 'POST', url: '/api/auth/sessions/revoke-others', body: EmptyRequest, response: RevokeOthersResponse },
    async ({ actor }) => ({ revoked: await revokeOtherSessions(deps, actor) }),
  );

  userRoute(
    app,
    deps,
    { method: 'POST', url: '/api/account/delete', body: DeleteAccountRequest, response: OkResponse },
    async ({ actor, body, reply }) => {
      await deleteOwnAccount(deps, actor, body);
      clearSessionCookie(reply);
      return { ok: true as const };
    },
  );
}
