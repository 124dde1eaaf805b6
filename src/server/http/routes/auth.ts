import type { FastifyInstance } from 'fastify';
import {
  SESSION_COOKIE,
  AuthResponse,
  ChangePasswordRequest,
  EmptyRequest,
  LoginRequest,
  MeResponse,
  OkResponse,
  PreloginRequest,
  PreloginResponse,
  SignupRequest,
} from '../../../protocol/auth.js';
import { changePassword } from '../../commands/change-password.js';
import { logIn } from '../../commands/log-in.js';
import { logOut } from '../../commands/log-out.js';
import { prelogin } from '../../commands/prelogin.js';
import { endReplacedSession } from '../../commands/replace-session.js';
import { signUp } from '../../commands/sign-up.js';
import type { Deps } from '../../deps.js';
import { presentSession } from '../../presenters/session.js';
import { presentUser } from '../../presenters/user.js';
import { publicRoute, userRoute } from '../routing.js';
import { clearSessionCookie, setSessionCookie } from '../session-cookie.js';

export function registerAuthRoutes(app: FastifyInstance, deps: Deps): void {
  publicRoute(
    app,
    { method: 'POST', url: '/api/auth/prelogin', body: PreloginRequest, response: PreloginResponse },
    ({ body }) => prelogin(deps, body),
  );

  publicRoute(
    app,
    { method: 'POST', url: '/api/auth/signup', body: SignupRequest, response: AuthResponse },
    async ({ body, meta, req, reply }) => {
      const { user, token, session } = await signUp(deps, body, meta);
      await endReplacedSession(deps, req.cookies[SESSION_COOKIE], session.id);
      setSessionCookie(reply, deps.config, token);
      void reply.status(201);
      return { user: presentUser(user) };
    },
  );

  publicRoute(
    app,
    { method: 'POST', url: '/api/auth/login', body: LoginRequest, response: AuthResponse },
    async ({ body, meta, req, reply }) => {
      const { user, token, session } = await logIn(deps, body, meta);
      await endReplacedSession(deps, req.cookies[SESSION_COOKIE], session.id);
      setSessionCookie(reply, deps.config, token);
      return { user: presentUser(user) };
    },
  );

  userRoute(
    app,
    deps,
    { method: 'POST', url: '/api/auth/logout', body: EmptyRequest, response: OkResponse },
    async ({ actor, reply }) => {
      await logOut(deps, actor);
      clearSessionCookie(reply);
      return { ok: true as const };
    },
  );

  userRoute(app, deps, { method: 'GET', url: '/api/auth/me', response: MeResponse }, ({ actor }) =>
    Promise.resolve({
      user: presentUser(actor.user),
      session: presentSession(actor.session, actor.session.id, deps.config.session.idleMs),
    }),
  );

  userRoute(
    app,
    deps,
    { method: 'POST', url: '/api/auth/password', body: ChangePasswordRequest, response: OkResponse },
    async ({ actor, body }) => {
      await changePassword(deps, actor, body);
      return { ok: true as const };
    },
  );
}
