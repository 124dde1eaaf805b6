/** Exit codes scripts can rely on (docs/CLI.md). */
import { ParleyError } from '../sdk/errors.js';

export const EXIT = {
  OK: 0,
  /** Anything else: the server refused for another reason, or something broke. */
  ERROR: 1,
  /** Bad command line: unknown command or option, missing argument, bad value. */
  USAGE: 2,
  /** Not signed in, wrong password, session ended, account suspended. */
  AUTH: 3,
  /** No such user, group, conversation or contact request. */
  NOT_FOUND: 4,
  /** The server could not be reached or did not answer in time. */
  NETWORK: 5,
  /** Not allowed: not a contact, blocked, forbidden, a conflict (e.g. the name is taken), a weak password. */
  REFUSED: 6,
  /** Too many requests: try again later. */
  RATE_LIMITED: 7,
  /** This device is in use by another parley process (e.g. a running `tail`). */
  BUSY: 8,
} as const;

/** A failure the CLI itself reports, with its exit code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  if (!(err instanceof ParleyError)) return EXIT.ERROR;
  switch (err.code) {
    case 'UNAUTHENTICATED':
    case 'INVALID_CREDENTIALS':
    case 'ACCOUNT_SUSPENDED':
    case 'KDF_REFUSED':
      return EXIT.AUTH;
    case 'NOT_FOUND':
      return EXIT.NOT_FOUND;
    case 'NETWORK':
    case 'NOT_CONNECTED':
      return EXIT.NETWORK;
    case 'FORBIDDEN':
    case 'FORBIDDEN_ORIGIN':
    case 'NOT_A_CONTACT':
    case 'BLOCKED':
    case 'CONFLICT':
    case 'USERNAME_TAKEN':
    case 'WEAK_PASSWORD':
    case 'VALIDATION_FAILED':
    case 'PAYLOAD_TOO_LARGE':
      return EXIT.REFUSED;
    case 'RATE_LIMITED':
    case 'TOO_MANY_CONNECTIONS':
      return EXIT.RATE_LIMITED;
    default:
      return EXIT.ERROR;
  }
}
