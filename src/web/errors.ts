import { ParleyError, type SdkErrorCode } from '../sdk/errors.js';

/** "45 seconds", "15 minutes": how long a rate-limited user must wait. */
export function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}

export function isUnauthenticated(err: unknown): boolean {
  return err instanceof ParleyError && err.code === 'UNAUTHENTICATED';
}

/** A message for the user; `overrides` replace the default text for given error codes. */
export function describeError(err: unknown, overrides: Partial<Record<SdkErrorCode, string>> = {}): string {
  if (!(err instanceof ParleyError)) return 'Something went wrong. Please try again.';
  const override = overrides[err.code];
  if (override) return override;
  switch (err.code) {
    case 'RATE_LIMITED':
      return err.retryAfterSeconds !== undefined
        ? `Too many attempts. Try again in ${formatWait(err.retryAfterSeconds)}.`
        : 'Too many attempts. Try again later.';
    case 'NETWORK':
      return 'Could not reach the Parley server. Check your connection and try again.';
    case 'INTERNAL':
    case 'BAD_RESPONSE':
      return 'The server could not complete this request. Please try again.';
    case 'UNAUTHENTICATED':
      return 'Your session has ended. Please log in again.';
    default:
      return err.message;
  }
}
