// A running role of a buzzwatch process, stopped gracefully on shutdown.
export interface RunningRole {
  name: string;
  close(): Promise<void>;
}
