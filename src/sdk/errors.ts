import type { ErrorCode } from '../protocol/errors.js';

export type SdkErrorCode =
  | ErrorCode
  | 'WEAK_PASSWORD'
  | 'KDF_REFUSED'
  | 'NETWORK'
  | 'NOT_CONNECTED'
  | 'BAD_RESPONSE'
  /** A file transfer was cancelled through its AbortSignal. */
  | 'ABORTED'
  /** A downloaded file does not decrypt or is not the one announced (hash mismatch): no data is returned. */
  | 'FILE_CORRUPT';

/** The SDK error code of a failure, or undefined for anything else. */
export const errorCode = (err: unknown): SdkErrorCode | undefined => (err instanceof ParleyError ? err.code : undefined);

/**
 * No answer came (the connection dropped, or the request timed out): the request may or may not have been carried
 * out, so only a request that is safe to repeat may be sent again.
 */
export const isConnectionError = (err: unknown): boolean => {
  const code = errorCode(err);
  return code === 'NETWORK' || code === 'NOT_CONNECTED';
};

/** Every failure the SDK reports: a code to branch on and a message to show. */
export class ParleyError extends Error {
  constructor(
    readonly code: SdkErrorCode,
    message: string,
    readonly status?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ParleyError';
  }
}
