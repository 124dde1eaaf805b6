import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The one body that is not JSON: encrypted file bytes appended to an upload. A cross-site form cannot send
 * `application/octet-stream` either (it is not a CORS-safelisted type), and the Origin check still applies.
 */
const isBinaryUpload = (req: FastifyRequest, type: string) =>
  req.method === 'PATCH' && req.url.startsWith('/api/blobs/') && type.startsWith('application/octet-stream');

export function isAllowedOrigin(config: Config, origin: string | undefined): boolean {
  return origin !== undefined && config.allowedOrigins.includes(origin);
}

function hasBody(req: FastifyRequest): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * CSRF defence for every state-changing request: it must carry an allowed Origin, and any body must be JSON
 * (a cross-site form can send neither).
 */
export function registerRequestGuards(app: FastifyInstance, config: Config): void {
  app.addHook('onRequest', (req, _reply, done) => {
    done(check(req));
  });
  const check = (req: FastifyRequest): AppError | undefined => {
    if (SAFE_METHODS.has(req.method)) return undefined;
    if (!isAllowedOrigin(config, req.headers.origin)) {
      return new AppError('FORBIDDEN_ORIGIN', 'This request must come from the Parley web app (Origin not allowed).');
    }
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    if (hasBody(req) && !type.startsWith('application/json') && !isBinaryUpload(req, type)) {
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be application/json.');
    }
    return undefined;
  };
}
