// Recognises errors that mean "PostgreSQL or Redis cannot be reached right now", which the API answers with 503 so
// clients retry, instead of a 500 that reads like a bug.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);
// PostgreSQL SQLSTATEs for a server that is shutting down, starting up or not connected. (A server out of
// connections, or a full pool, is busy, not down: see database-busy.ts.)
const POSTGRES_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);
// ioredis gives up on a command whose connection died under it (the producer retries once) with this error; the
// class is not exported, so it is known by name.
const REDIS_GAVE_UP = new Set(['MaxRetriesPerRequestError']);
const OUTAGE_MESSAGES = [
  /Connection terminated/i,
  /Stream isn't writeable/i,
  /Connection is closed/i,
];

export function isDependencyOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || POSTGRES_UNAVAILABLE.has(code))) return true;
  if (REDIS_GAVE_UP.has(error.name)) return true;
  if (OUTAGE_MESSAGES.some((pattern) => pattern.test(error.message))) return true;
  return error.cause !== undefined && error.cause !== error && isDependencyOutage(error.cause);
}
