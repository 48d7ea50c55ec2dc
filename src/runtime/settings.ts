// Process settings from the environment (the config file holds everything else).
export interface Settings {
  configFile: string;
  databaseUrl: string;
  redisUrl: string;
  port: number;
  host: string;
  logLevel: string;
  /** Prefix of every Redis key, so several installations (or test runs) can share one Redis. */
  queuePrefix: string;
}

export function settingsFromEnv(env: Record<string, string | undefined> = process.env): Settings {
  return {
    configFile: env.BUZZWATCH_CONFIG || 'config/buzzwatch.yaml',
    databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/buzzwatch',
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    port: parsePort(env.PORT),
    host: env.HOST || '127.0.0.1',
    logLevel: env.LOG_LEVEL || 'info',
    queuePrefix: env.BUZZWATCH_QUEUE_PREFIX || 'buzzwatch',
  };
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 8080;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not "${value}"`);
  return port;
}
