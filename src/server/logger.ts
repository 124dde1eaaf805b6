import { pino, type Logger, type DestinationStream } from 'pino';

/** Paths that may carry secrets: never written to a log. */
export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  '*.authKey',
  '*.currentAuthKey',
  '*.newAuthKey',
  '*.password',
  '*.token',
  '*.body',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}
