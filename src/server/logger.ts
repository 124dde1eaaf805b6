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

/**
 * Pretty, coloured lines (pino-pretty, in pino's transport thread) when the log goes to a terminal and no destination
 * was given; JSON lines otherwise, and always when `PARLEY_LOG_FORMAT=json`. Redaction applies before either.
 */
function terminalDestination(): DestinationStream | undefined {
  if (!process.stdout.isTTY || process.env.PARLEY_LOG_FORMAT === 'json') return undefined;
  return pino.transport({ target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } });
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination ?? terminalDestination());
}
