// The roles a buzzwatch process can run, and a running role as the process sees it.
export const ROLES = ['api', 'poller', 'scorer', 'alerter'] as const;
export type Role = (typeof ROLES)[number];

/** How long a stopping role waits for its active jobs; under docker-compose's 30 s stop_grace_period. */
export const SHUTDOWN_GRACE_MS = 25_000;

export interface RunningRole {
  name: string;
  close(): Promise<void>;
}
