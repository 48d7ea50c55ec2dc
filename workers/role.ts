// The roles a buzzwatch process can run, and a running role as the process sees it.
import type { Config } from '../src/config/schema.js';

export const ROLES = ['api', 'poller', 'scorer', 'alerter'] as const;
export type Role = (typeof ROLES)[number];

/**
 * How long a stopping process waits for its roles' active jobs, all of them together: under docker-compose's 30 s
 * stop_grace_period, however many roles and queues the process has.
 */
export const SHUTDOWN_GRACE_MS = 25_000;

export interface RunningRole {
  name: string;
  /** Takes up a new, valid config (the runtime already holds it); roles without one read the runtime at each job. */
  reload?(config: Config): Promise<void>;
  /** Stops taking work and lets what it holds finish until `deadline` (epoch ms, shared by the process's roles). */
  close(deadline: number): Promise<void>;
}
