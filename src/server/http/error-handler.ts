import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

/** The one place errors become responses: AppErrors as they are, framework 4xx mapped to codes, the rest a 500. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, req, reply) => {
    let appError: AppError;
    if (err instanceof AppError) {
      appError = err;
    } else if ('statusCode' in err && typeof err.statusCode === 'number' && err.statusCode < 500) {
      const status = err.statusCode;
      if (status === 413) appError = new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large.');
      else if (status === 415) appError = new AppError('UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be application/json.');
      else if (status === 429) appError = new AppError('RATE_LIMITED', 'Too many requests.');
      else appError = new AppError('VALIDATION_FAILED', 'The request body is not valid JSON.');
    } else {
      req.log.error({ err }, 'unhandled error');
      appError = new AppError('INTERNAL', 'Something went wrong on our side.');
    }
    if (appError.options.retryAfterSeconds !== undefined) {
      void reply.header('Retry-After', String(appError.options.retryAfterSeconds));
    }
    return reply.status(appError.status).send(appError.toBody());
  });
}
