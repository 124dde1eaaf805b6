import { z } from 'zod';

/** Every error code the server can answer, over HTTP or in a socket acknowledgement. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'INVALID_CREDENTIALS',
  'UNAUTHENTICATED',
  'FORBIDDEN_ORIGIN',
  'NOT_FOUND',
  'FORBIDDEN',
  'NOT_A_CONTACT',
  'BLOCKED',
  'CONFLICT',
  /** An MLS commit or application message for an epoch the group has left: catch up from the log and retry. */
  'STALE_EPOCH',
  'USERNAME_TAKEN',
  /** The server's operator suspended this account: log-in is refused until it is lifted. */
  'ACCOUNT_SUSPENDED',
  'KDF_TOO_WEAK',
  'RATE_LIMITED',
  /** A socket refused because its session or user already holds the most connections allowed. */
  'TOO_MANY_CONNECTIONS',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  /** A file over MAX_FILE_BYTES (or bytes beyond an upload's declared size). */
  'FILE_TOO_LARGE',
  /** The user's stored files would exceed USER_QUOTA_BYTES. */
  'QUOTA_EXCEEDED',
  'INTERNAL',
] as const;

export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    retryAfterSeconds: z.number().int().nonnegative().optional(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
