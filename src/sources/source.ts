// The Source interface: a source knows its protocol and nothing about queues or SQL.
import type { Logger } from 'pino';
import type { TObject } from '@sinclair/typebox';
import type { BrandConfig } from '../config/schema.js';
import type { SourceItem } from '../mentions/mention.js';
import type { HttpClient } from '../net/http-client.js';
import type { SkippedResults } from './skipped-results.js';
import type { SourceConfig } from './source-config.js';

/** What a source remembers between polls (ETag, cursor, seen ids); opaque to everything but the source itself. */
export type SourceState = Record<string, unknown>;

export interface PollContext {
  http: HttpClient;
  logger: Logger;
  now: Date;
  /**
   * Waits until at least `minIntervalMs` has passed since the last call with this key, across every poller process:
   * how a source keeps an API's own pace (GDELT's 5 s between calls, Google News' minute per query) instead of
   * being refused.
   */
  throttle(key: string, minIntervalMs: number): Promise<void>;
  /**
   * Waits `ms` within the poll (an API's short backoff); the real timer when left out. Tests pass one that records the
   * wait instead of taking it.
   */
  sleep?: (ms: number) => Promise<void>;
  /** Where a search source notes each result it left out for not being in the API's documented shape. */
  skipped: SkippedResults;
}

export interface PollResult {
  items: SourceItem[];
  nextState: SourceState;
  /** What the poll left out of what it was sent, and why: the source's health (last_warning) and one log line. */
  warning?: string;
}

export interface Source {
  readonly config: SourceConfig;
  /** What a search source asks the API for (its brands' queries); when it changes, the source starts over. */
  readonly searchKey?: string;
  poll(state: SourceState, context: PollContext): Promise<PollResult>;
}

/** What a source may know besides its own config entry: the brands it feeds (search APIs search for them). */
export interface SourceEnvironment {
  brands: readonly BrandConfig[];
}

/** A `type:` of source: the schema of its config entry and how to build it. */
export interface SourceKind {
  configSchema: TObject;
  create(config: SourceConfig, environment: SourceEnvironment): Source;
  /** Set on kinds whose mentions are pushed to us (webhooks): they get no poll schedule and cannot be previewed. */
  inbound?: true;
  /** The shortest `every` this kind allows (a duration), when its API asks for more than the global 30s. */
  minEvery?: string;
}
