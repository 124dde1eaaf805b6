import fs from 'node:fs';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { registerErrorHandler } from './error-handler.js';
import { registerRequestGuards } from './guards.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerSessionRoutes } from './routes/sessions.js';
import { registerSecurityHeaders } from './security-headers.js';
import { registerStaticFiles } from './static-files.js';

/** The HTTP application: headers → guards (Origin, JSON) → routes; one error handler. */
export async function buildApp(deps: Deps, logger: Logger): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: 64 * 1024,
    trustProxy: config.trustProxy,
    // A URL the router cannot even parse still gets the documented error body.
    frameworkErrors: (_err, _req, reply) => {
      const body = JSON.stringify(new AppError('VALIDATION_FAILED', 'The request URL is not valid.').toBody());
      void (reply as FastifyReply).code(400).type('application/json').send(body);
    },
    ...(config.tls
      ? {
          https: {
            cert: fs.readFileSync(config.tls.certFile),
            key: fs.readFileSync(config.tls.keyFile),
            minVersion: 'TLSv1.2' as const,
          },
        }
      : {}),
  }) as unknown as FastifyInstance;

  registerErrorHandler(app);
  await registerSecurityHeaders(app, config);
  await app.register(cookie);
  registerRequestGuards(app, config);
  registerAuthRoutes(app, deps);
  registerSessionRoutes(app, deps);
  await registerStaticFiles(app);
  return app;
}
