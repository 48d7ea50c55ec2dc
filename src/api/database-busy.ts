// Recognises errors that mean "PostgreSQL is up but cannot take this request now": every pooled connection is in
// use (a burst of requests), the server is out of connections, or the statement ran past api.query_timeout. The API
// answers these 503 BUZZ_ERR_BUSY with Retry-After: load, not an outage (see dependency-outage.ts for that).

// pg-pool's error when no connection came free within its wait (POOL_WAIT_MS); it has no code.
const POOL_EXHAUSTED = /timeout exceeded when trying to connect/i;
// SQLSTATE 53300 too_many_connections: the server itself is full.
const SERVER_FULL = '53300';
// SQLSTATE 57014 query_canceled: statement_timeout (the API never cancels a query any other way).
const QUERY_CANCELED = '57014';

export type DatabaseBusyReason = 'pool_exhausted' | 'query_timeout';

export function databaseBusyReason(error: unknown): DatabaseBusyReason | null {
  if (!(error instanceof Error)) return null;
  const code = (error as { code?: unknown }).code;
  if (code === QUERY_CANCELED) return 'query_timeout';
  if (code === SERVER_FULL || POOL_EXHAUSTED.test(error.message)) return 'pool_exhausted';
  return null;
}
