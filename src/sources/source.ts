// The Source interface: a source knows its protocol and nothing about queues or SQL.
import type { Logger } from 'pino';
import type { TObject } from '@sinclair/typebox';
import type { SourceItem } from '../mentions/mention.js';
import type { HttpClient } from '../net/http-client.js';
import type { SourceConfig } from './source-config.js';

/** What a source remembers between polls (ETag, cursor, seen ids); opaque to everything but the source itself. */
export type SourceState = Record<string, unknown>;

export interface PollContext {
  http: HttpClient;
  logger: Logger;
  now: Date;
}

export interface PollResult {
  items: SourceItem[];
  nextState: SourceState;
}

export interface Source {
  readonly config: SourceConfig;
  poll(state: SourceState, context: PollContext): Promise<PollResult>;
}

/** A `type:` of source: the schema of its config entry and how to build it. */
export interface SourceKind {
  configSchema: TObject;
  create(config: SourceConfig): Source;
  /** Set on kinds whose mentions are pushed to us (webhooks): they get no poll schedule and cannot be previewed. */
  inbound?: true;
}
