// JSON logs via pino, with every field that can carry a secret redacted whatever module logs it.
import { pino, type DestinationStream, type Logger } from 'pino';

export const REDACTED_PATHS = [
  'key',
  'secret',
  'password',
  'token',
  'authorization',
  '*.key',
  '*.secret',
  '*.password',
  '*.token',
  '*.authorization',
  '*.*.authorization',
  'req.headers.authorization',
  'req.headers["x-buzzwatch-signature"]',
  'config',
  '*.config',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'buzzwatch' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export function moduleLogger(logger: Logger, module: string): Logger {
  return logger.child({ module });
}
