import fs from 'node:fs';
import type { Duplex } from 'node:stream';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { registerErrorHandler } from './error-handler.js';
import { registerRequestGuards } from './guards.js';
import { registerAccountRoutes } from './routes/account.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerProfileRoutes } from './routes/profiles.js';
import { registerRecoveryRoutes } from './routes/recovery.js';
import { registerBlobRoutes } from './routes/blobs.js';
import { registerNotificationRoutes } from './routes/notifications.js';
import { registerSessionProbeRoute } from './routes/session-probe.js';
import { registerSessionRoutes } from './routes/sessions.js';
import { registerSecurityHeaders } from './security-headers.js';
import { registerStaticFiles } from './static-files.js';

/** Answers a request the HTTP parser refused, in the error shape of every other refusal, and closes the connection. */
function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, error] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', new AppError('PAYLOAD_TOO_LARGE', 'The request line or headers are too large.')]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', new AppError('VALIDATION_FAILED', 'The request did not arrive in time.')]
        : [400, 'Bad Request', new AppError('VALIDATION_FAILED', 'The request is not valid HTTP.')];
  const body = JSON.stringify(error.toBody());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

export const MODERN_TLS12_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

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
    // A request Node's HTTP parser refuses (headers over 16 KiB, malformed HTTP) never reaches the router: it gets
    // the documented error body too, instead of fastify's own `{ error, message, statusCode }`.
    clientErrorHandler: answerClientError,
    ...(config.tls
      ? {
          https: {
            cert: fs.readFileSync(config.tls.certFile),
            key: fs.readFileSync(config.tls.keyFile),
            minVersion: 'TLSv1.2' as const,
            // TLS 1.2: forward-secret AEAD suites only (TLS 1.3 suites are all modern and stay Node's defaults).
            ciphers: MODERN_TLS12_CIPHERS,
            honorCipherOrder: true,
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
  registerAccountRoutes(app, deps);
  registerRecoveryRoutes(app, deps);
  registerProfileRoutes(app, deps);
  await registerBlobRoutes(app, deps);
  registerSessionProbeRoute(app, deps);
  registerNotificationRoutes(app, deps);
  await registerStaticFiles(app, config.webRoot);
  return app;
}
