// The roles a buzzwatch process can run, and a running role as the process sees it.
export const ROLES = ['api', 'poller', 'scorer'] as const;
export type Role = (typeof ROLES)[number];

export interface RunningRole {
  name: string;
  close(): Promise<void>;
}
