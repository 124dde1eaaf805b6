import type { ErrorCode } from '../protocol/errors.js';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  KDF_TOO_WEAK: 400,
  INVALID_CREDENTIALS: 401,
  UNAUTHENTICATED: 401,
  FORBIDDEN_ORIGIN: 403,
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  NOT_A_CONTACT: 403,
  BLOCKED: 403,
  CONFLICT: 409,
  STALE_EPOCH: 409,
  USERNAME_TAKEN: 409,
  ACCOUNT_SUSPENDED: 403,
  PAYLOAD_TOO_LARGE: 413,
  FILE_TOO_LARGE: 413,
  QUOTA_EXCEEDED: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  TOO_MANY_CONNECTIONS: 429,
  INTERNAL: 500,
};

export interface AppErrorOptions {
  retryAfterSeconds?: number;
  issues?: { path: string; message: string }[];
}

/** The one error family: a code from the protocol, its HTTP status and a message safe to show. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: AppErrorOptions = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = STATUS[code];
  }

  toBody() {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.options.retryAfterSeconds !== undefined ? { retryAfterSeconds: this.options.retryAfterSeconds } : {}),
        ...(this.options.issues ? { issues: this.options.issues } : {}),
      },
    };
  }
}

export const notFound = (what = 'Not found') => new AppError('NOT_FOUND', what);
