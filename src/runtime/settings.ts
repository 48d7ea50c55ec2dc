// Process settings from the environment (the config file holds everything else).
import { isDuration, parseDuration } from '../config/duration.js';
import { MAX_TIMER_DURATION } from '../config/schema.js';

export interface Settings {
  configFile: string;
  databaseUrl: string;
  /** PostgreSQL for the API's reads (a replica); the primary (databaseUrl) when not set. */
  databaseReadUrl?: string;
  redisUrl: string;
  /** The API's port. */
  port: number;
  /** Where a process without the API serves /healthz, /readyz and /metrics; null: PORT + 1 (poller), 2 (scorer), 3 (alerter). */
  healthPort?: number | null;
  host: string;
  logLevel: string;
  /** A warning or error repeated within this long is logged once, then counted (see logger.ts). */
  logRepeatWindowMs?: number;
  /** Prefix of every Redis key, so several installations (or test runs) can share one Redis. */
  queuePrefix: string;
}

/** The key prefix of installations from before Redis Cluster support (see resolveQueuePrefix). */
export const LEGACY_QUEUE_PREFIX = 'buzzwatch';
/** In braces, a Redis Cluster hash tag: every key of an installation lands in one slot, as BullMQ needs. */
export const DEFAULT_QUEUE_PREFIX = '{buzzwatch}';

export function settingsFromEnv(env: Record<string, string | undefined> = process.env): Settings {
  return {
    configFile: env.BUZZWATCH_CONFIG || 'config/buzzwatch.yaml',
    databaseUrl: checkUrl('DATABASE_URL', env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/buzzwatch', POSTGRES_URL),
    ...(env.DATABASE_READ_URL ? { databaseReadUrl: checkUrl('DATABASE_READ_URL', env.DATABASE_READ_URL, POSTGRES_URL) } : {}),
    redisUrl: checkUrl('REDIS_URL', env.REDIS_URL || 'redis://127.0.0.1:6379', REDIS_URL),
    port: parsePort('PORT', env.PORT) ?? 8080,
    healthPort: parsePort('HEALTH_PORT', env.HEALTH_PORT),
    host: env.HOST || '127.0.0.1',
    logLevel: parseLogLevel(env.LOG_LEVEL),
    logRepeatWindowMs: parseWindow(env.LOG_REPEAT_WINDOW),
    queuePrefix: env.BUZZWATCH_QUEUE_PREFIX || DEFAULT_QUEUE_PREFIX,
  };
}

interface UrlKind {
  schemes: readonly string[];
  example: string;
}
const POSTGRES_URL: UrlKind = { schemes: ['postgres:', 'postgresql:'], example: 'postgres://USER:PASSWORD@HOST:5432/DATABASE' };
const REDIS_URL: UrlKind = { schemes: ['redis:', 'rediss:'], example: 'redis://:PASSWORD@HOST:6379' };

// Checked here so that a password with an unencoded '#' or '/' reads as this variable's mistake, not as the drivers'
// bare "Invalid URL" (pg), or a 30 s wait for a Unix socket named "//host:6379" (ioredis given http://). The value is
// never quoted back: it holds the password, and when it does not parse there is no telling where the password ends.
function checkUrl(name: string, value: string, kind: UrlKind): string {
  const scheme = URL.canParse(value) ? new URL(value).protocol : null;
  if (scheme === null || !kind.schemes.includes(scheme)) {
    throw new Error(
      `${name} must be a URL such as ${kind.example} (percent-encode a password's special characters, e.g. # as %23, / as %2F, @ as %40); ` +
        `${scheme === null ? 'the value does not parse' : `not ${scheme}//`} (not shown: it may hold a password)`,
    );
  }
  return value;
}

function parsePort(name: string, value: string | undefined): number | null {
  if (value === undefined || value === '') return null;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number, not "${value}"`);
  return port;
}

/** pino's levels, most severe first; `silent` logs nothing. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

// Checked here so a typo reads as the variable's mistake, not as pino's "default level:loud must be included in
// custom levels".
function parseLogLevel(value: string | undefined): string {
  if (value === undefined || value === '') return 'info';
  if (!LOG_LEVELS.includes(value)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${value}"`);
  return value;
}

function parseWindow(value: string | undefined): number {
  if (value === undefined || value === '') return 60_000;
  if (!isDuration(value)) throw new Error(`LOG_REPEAT_WINDOW must be a duration such as 60s or 5m, not "${value}"`);
  // It runs as a setInterval: past 2^31-1 ms Node would end a window every millisecond.
  if (parseDuration(value) > parseDuration(MAX_TIMER_DURATION)) throw new Error(`LOG_REPEAT_WINDOW must be at most ${MAX_TIMER_DURATION}, not "${value}"`);
  return parseDuration(value);
}
