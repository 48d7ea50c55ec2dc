// JSON logs via pino, with every field that can carry a secret redacted whatever module logs it, and repeated
// warnings and errors summarised (see log-repeats.ts).
import { format } from 'node:util';
import { pino, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';
import { LogRepeats, repeatKey } from './log-repeats.js';
import { requestLogFields } from './request-log.js';

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

const WARN_LEVEL = 40;
const DEFAULT_REPEAT_WINDOW_MS = 60_000;

export interface LoggerOptions {
  /** Repeats of a warning or error within this long are counted, not logged (default 60 s). */
  repeatWindowMs?: number;
}

/**
 * Where a process's lines go by default: stdout, each line written when it is logged, by the thread that logs it.
 * pino's own default writes from libuv's thread pool: each line handed to a pool thread and its completion back to
 * the event loop (two thread wake-ups, two more system calls and another turn of the loop for every API request's
 * line). Node writes stdout synchronously too when it is a file or a pipe (on Linux), so a full pipe holds up the
 * process either way.
 */
function stdoutDestination(): DestinationStream {
  return pino.destination({ dest: 1, sync: true });
}

export function createLogger(level: string, destination?: DestinationStream, options: LoggerOptions = {}): Logger {
  const repeats = new LogRepeats();
  const windowMs = options.repeatWindowMs ?? DEFAULT_REPEAT_WINDOW_MS;
  const logger = pino(
    {
      level,
      base: { service: 'buzzwatch' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Fastify logs each request's URL; a stream token travels in one (see request-log.ts). Ours replaces Fastify's.
      serializers: { req: requestLogFields },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: {
        logMethod(args, method, callLevel) {
          if (callLevel < WARN_LEVEL) {
            method.apply(this, args);
            return;
          }
          const key = repeatKey(JSON.stringify(this.bindings()), callLevel, args);
          const summarise = (count: number) => method.apply(this, summaryArgs(args, count, windowMs));
          if (repeats.admit(key, summarise)) method.apply(this, args);
        },
      },
    },
    destination ?? stdoutDestination(),
  );
  const timer = setInterval(() => repeats.endWindow(), windowMs);
  timer.unref();
  return logger;
}

/** The repeated call's fields and message, with how often it came again in the window. */
function summaryArgs(args: Parameters<Logger['info']>, count: number, windowMs: number): Parameters<Logger['info']> {
  const [first, ...rest] = args as unknown[];
  const extra = { repeated: count, repeated_within_s: windowMs / 1000 };
  if (typeof first === 'object' && first !== null) return [{ ...(first as object), ...extra }, ...rest] as Parameters<Logger['info']>;
  return [extra, first, ...rest] as Parameters<Logger['info']>;
}

export function moduleLogger(logger: Logger, module: string): Logger {
  return logger.child({ module });
}

/**
 * Sends what libraries print with console.* (BullMQ's connection errors, deprecation notes) through `logger`, so
 * every line a process writes is JSON and repeats are summarised like the rest.
 */
export function routeConsoleToLogger(logger: Logger): void {
  const consoleLogger = moduleLogger(logger, 'console');
  const route = (level: Exclude<LevelWithSilent, 'silent'>) => (...args: unknown[]) => {
    const text = format(...args);
    // The first line says what happened; a stack trace below it would be the same for every repeat.
    consoleLogger[level]({ detail: text.slice(0, 2_000) }, text.split('\n')[0] ?? '');
  };
  Object.assign(console, { error: route('error'), warn: route('warn'), log: route('info'), info: route('info'), debug: route('debug') });
}
