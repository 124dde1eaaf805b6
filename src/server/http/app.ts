import fs from 'node:fs';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Deps } from '../deps.js';
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
    disableRequestLogging: false,
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
