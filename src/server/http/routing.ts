import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { SESSION_COOKIE } from '../../protocol/auth.js';
import { authenticate } from '../commands/authenticate.js';
import type { Deps, RequestMeta } from '../deps.js';
import { AppError } from '../errors.js';
import type { Actor } from '../policies/actor.js';
import { parseInput } from './validate.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RouteSpec<B extends z.ZodType, P extends z.ZodType, R extends z.ZodType> {
  method: Method;
  url: string;
  body?: B;
  params?: P;
  /** The response schema: what is sent is parsed by it, so nothing unplanned leaves the server. */
  response: R;
}

interface Ctx<B extends z.ZodType, P extends z.ZodType> {
  body: z.infer<B>;
  params: z.infer<P>;
  meta: RequestMeta;
  req: FastifyRequest;
  reply: FastifyReply;
}

export const meta = (req: FastifyRequest): RequestMeta => ({ ip: req.ip, userAgent: req.headers['user-agent'] });

function register<B extends z.ZodType, P extends z.ZodType, R extends z.ZodType, A>(
  app: FastifyInstance,
  spec: RouteSpec<B, P, R>,
  identify: (req: FastifyRequest) => Promise<A>,
  run: (ctx: Ctx<B, P>, actor: A) => Promise<z.infer<R>>,
): void {
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (req, reply) => {
      // Order: authenticate, then validate, then run the command.
      const actor = await identify(req);
      const body = spec.body ? parseInput(spec.body, req.body ?? {}, 'request body') : undefined;
      const params = spec.params ? parseInput(spec.params, req.params, 'path parameters') : undefined;
      const ctx = { body, params, meta: meta(req), req, reply } as Ctx<B, P>;
      const result = await run(ctx, actor);
      return spec.response.parse(result);
    },
  });
}

/** A route anyone may call (sign-up, log-in, prelogin). */
export function publicRoute<B extends z.ZodType, P extends z.ZodType, R extends z.ZodType>(
  app: FastifyInstance,
  spec: RouteSpec<B, P, R>,
  handler: (ctx: Ctx<B, P>) => Promise<z.infer<R>>,
): void {
  register(app, spec, () => Promise.resolve(undefined), (ctx) => handler(ctx));
}

/** The signed-in actor of a request (from the session cookie), or 401. */
export async function requireActor(deps: Deps, req: FastifyRequest): Promise<Actor> {
  const actor = await authenticate(deps, req.cookies[SESSION_COOKIE]);
  if (!actor) throw new AppError('UNAUTHENTICATED', 'You are not signed in.');
  return actor;
}

/** A route for a signed-in user: the actor comes from the session cookie, never from the request. */
export function userRoute<B extends z.ZodType, P extends z.ZodType, R extends z.ZodType>(
  app: FastifyInstance,
  deps: Deps,
  spec: RouteSpec<B, P, R>,
  handler: (ctx: Ctx<B, P> & { actor: Actor }) => Promise<z.infer<R>>,
): void {
  register(
    app,
    spec,
    (req) => requireActor(deps, req),
    (ctx, actor) => handler({ ...ctx, actor }),
  );
}
