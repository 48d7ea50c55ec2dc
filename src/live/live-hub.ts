// The API process's side of the live event log: ONE blocking reader (its own Redis connection) follows the log and
// fans each event out to the streams open on this process, loading each event's row once however many clients get
// it. A client that resumes (Last-Event-ID) is first replayed what the log kept after its id, then joins the live
// flow without a gap or a repeat. Bounded: clients per process and per key are capped, and a client whose unsent
// output passes a cap gets nothing more until it takes it (then it is replayed from the log up to the live flow), or
// is dropped when it has not within its grace (it stopped reading). The reader never waits for any one client: a
// slow client is judged by its own timer, so it never holds back the others.
import type { ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { streamClients, streamClientsDropped } from '../runtime/metrics.js';
import { compareEventIds } from './event-id.js';
import { lastLiveEventId, liveEventsAfter, liveEventsKey, waitForLiveEvents, type LoggedLiveEvent } from './live-event-log.js';
import { formatSseComment, formatSseEvent } from './sse-format.js';

/** Each event's data for a client: by the brand the client follows (undefined: all), or null when the row is gone. */
export type RenderedLiveEvents = Map<string, (brandId: string | undefined) => string | null>;

/** Loads the rows of a batch of events (one round of queries for the whole batch) and renders their JSON. */
export type RenderLiveEvents = (events: readonly LoggedLiveEvent[]) => Promise<RenderedLiveEvents>;

export interface LiveHubLimits {
  /** Streams open on this process at once. */
  maxClients: number;
  /** Streams one API key may hold open on this process (a team's dashboards usually share a read key). */
  maxClientsPerKey: number;
  /**
   * Output a client has not taken yet. Past it, no more is written to it until it takes it (then it is replayed what
   * it missed); a client still past it `slowClientWaitMs` after it passed it is dropped (it reconnects and resumes).
   */
  maxBufferedBytes: number;
  slowClientWaitMs: number;
}

export const DEFAULT_LIVE_HUB_LIMITS: LiveHubLimits = {
  maxClients: 1_000,
  maxClientsPerKey: 200,
  maxBufferedBytes: 1024 * 1024,
  slowClientWaitMs: 5_000,
};

export interface LiveHubOptions {
  /** For replays (XRANGE) and the log's start position; any connection that is not blocked. */
  redis: Redis;
  /** The blocking reader's own connection; the hub disconnects it on close. */
  reader: Redis;
  keyPrefix: string;
  heartbeatMs: number;
  render: RenderLiveEvents;
  logger: Logger;
  limits?: Partial<LiveHubLimits>;
}

export interface LiveStreamRequest {
  /** The response, its headers (and retry field) already written. */
  response: ServerResponse;
  keyName: string;
  /** The one brand followed; undefined: all brands. */
  brandId: string | undefined;
  /** The last event the client saw (Last-Event-ID), to replay what came after; null: from now on. */
  resumeAfter: string | null;
}

export type Admission = 'ok' | 'not-ready' | 'full' | 'key-full';

/**
 * live: the reader's batches are written to it. replaying: it is replayed from the log (it resumed, or took its
 * backlog) and the reader skips it until it has caught up. behind: its unsent output passed the cap; nothing is
 * written to it (not even heartbeats) until it takes that output, or its grace ends.
 */
type ClientState = 'live' | 'replaying' | 'behind';

interface Client {
  response: ServerResponse;
  keyName: string;
  brandId: string | undefined;
  /** Events up to this one are sent (or were before the client came); never sent again. */
  lastSentId: string;
  state: ClientState;
  /** A replay of this client is running: there is never more than one. */
  replaying: boolean;
  /** Armed when its output passed the cap, disarmed when it took it: drops it if still past the cap then. */
  grace: NodeJS.Timeout | undefined;
}

/** Events read per XREAD and per replay page: one round of row loading each. */
const READ_COUNT = 500;
/** How long one XREAD blocks: short enough that a stop is never kept waiting long. */
const READ_BLOCK_MS = 5_000;
const RETRY_AFTER_FAILURE_MS = 1_000;

export class LiveHub {
  private readonly key: string;
  private readonly limits: LiveHubLimits;
  private readonly clients = new Set<Client>();
  /** The last entry the reader took from the log; null until it knows where the log ends. */
  private position: string | null = null;
  private closed = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private failing = false;
  /**
   * Resolvers of the waits in progress, each settled by close(). The reader's XREAD is raced against its own: with
   * Redis away the command waits in the connection's offline queue, and disconnect() then settles nothing, so a stop
   * must not wait for it. One promise per wait, dropped when the wait ends: racing every read against one promise
   * that lives until close() would keep every batch read reachable from it until then.
   */
  private readonly stopWaiters = new Set<() => void>();

  constructor(private readonly options: LiveHubOptions) {
    this.key = liveEventsKey(options.keyPrefix);
    this.limits = { ...DEFAULT_LIVE_HUB_LIMITS, ...options.limits };
  }

  /** Starts following the log from its end; resolves once the end is known (or, Redis being away, at once). */
  async start(): Promise<void> {
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref();
    await this.findPosition().catch((error: Error) => this.reportFailure(error));
    this.running = this.follow();
  }

  /** Whether a new stream may open now. */
  admission(keyName: string): Admission {
    if (this.position === null || this.closed) return 'not-ready';
    if (this.clients.size >= this.limits.maxClients) return 'full';
    let ofKey = 0;
    for (const client of this.clients) if (client.keyName === keyName) ofKey += 1;
    return ofKey >= this.limits.maxClientsPerKey ? 'key-full' : 'ok';
  }

  get limitsInForce(): Readonly<LiveHubLimits> {
    return this.limits;
  }

  /** Takes over an open response until the client leaves or the hub closes. Call after `admission` said ok. */
  async attach(request: LiveStreamRequest): Promise<void> {
    const start = this.position;
    if (start === null || this.closed) {
      request.response.end();
      return;
    }
    const client: Client = {
      response: request.response,
      keyName: request.keyName,
      brandId: request.brandId,
      lastSentId: request.resumeAfter ?? start,
      state: request.resumeAfter === null ? 'live' : 'replaying',
      replaying: false,
      grace: undefined,
    };
    this.clients.add(client);
    streamClients.set(this.clients.size);
    request.response.on('close', () => {
      clearTimeout(client.grace);
      if (this.clients.delete(client)) streamClients.set(this.clients.size);
    });
    // Emitted once the output a write left waiting is all taken (not for every write).
    request.response.on('drain', () => this.backlogTaken(client));
    if (client.state === 'replaying') await this.replay(client);
  }

  /** Ends every stream (clients reconnect, to another process or this one restarted) and stops reading. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of this.stopWaiters) stop();
    clearInterval(this.heartbeat);
    for (const client of this.clients) {
      clearTimeout(client.grace);
      client.response.end();
    }
    this.clients.clear();
    streamClients.set(0);
    // Ends the blocked XREAD at once.
    this.options.reader.disconnect();
    await this.running;
  }

  /** `work`'s result, or null as soon as the hub closes (what `work` then does is no longer awaited). */
  private async untilClosed<T>(work: Promise<T>): Promise<T | null> {
    if (this.closed) return null;
    let stop: () => void = () => undefined;
    const stopped = new Promise<null>((resolve) => {
      stop = () => resolve(null);
    });
    this.stopWaiters.add(stop);
    try {
      return await Promise.race([work, stopped]);
    } finally {
      this.stopWaiters.delete(stop);
    }
  }

  private async findPosition(): Promise<void> {
    this.position = await lastLiveEventId(this.options.redis, this.key);
  }

  private async follow(): Promise<void> {
    while (!this.closed) {
      try {
        if (this.position === null && (await this.untilClosed(this.findPosition().then(() => true))) === null) return;
        const events = await this.untilClosed(waitForLiveEvents(this.options.reader, this.key, this.position as string, READ_COUNT, READ_BLOCK_MS));
        if (events === null) return;
        if (this.failing) {
          this.failing = false;
          this.options.logger.info('live event log readable again');
        }
        const last = events.at(-1);
        if (last === undefined) continue;
        this.position = last.eventId;
        await this.deliver(events);
      } catch (error) {
        if (this.closed) return;
        this.reportFailure(error as Error);
        await this.untilClosed(new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_FAILURE_MS)));
      }
    }
  }

  private reportFailure(error: Error): void {
    if (this.failing) return;
    this.failing = true;
    this.options.logger.warn({ err: error.message }, 'cannot read the live event log (retrying)');
  }

  /**
   * One batch from the reader to every live client that wants some of it. Nothing here waits for a client: one whose
   * output passes the cap leaves the live flow (it is replayed what it missed once it has taken its output).
   */
  private async deliver(events: readonly LoggedLiveEvent[]): Promise<void> {
    const live = [...this.clients].filter((client) => client.state === 'live');
    const wanted = events.filter((event) => live.some((client) => wants(client, event)));
    if (wanted.length === 0) return;
    let rendered: RenderedLiveEvents;
    try {
      rendered = await this.options.render(wanted);
    } catch (error) {
      // Those clients would miss these events: end their streams instead, so that they reconnect and resume (their
      // Last-Event-ID replays the events once the rows can be read again).
      this.options.logger.warn({ err: (error as Error).message, clients: live.length }, 'could not load live events; streams ended so that clients resume');
      for (const client of live) client.response.end();
      return;
    }
    // Clients are taken as they are now: one that went live meanwhile was replayed up to at least this batch.
    for (const event of wanted) {
      for (const client of this.clients) if (client.state === 'live') this.send(client, event, rendered);
    }
  }

  /**
   * Replays what the log kept after the client's last event, then lets it join the live flow; stops early, leaving
   * it behind, when its output passes the cap (its drain starts the next replay).
   */
  private async replay(client: Client): Promise<void> {
    client.replaying = true;
    try {
      await this.replayFromLog(client);
    } finally {
      client.replaying = false;
    }
  }

  private async replayFromLog(client: Client): Promise<void> {
    let cursor = client.lastSentId;
    // Whether the replay is still this client's business: it may have fallen behind (a heartbeat passed the cap
    // while a page was loading), left, or been dropped.
    const replaying = () => client.state === 'replaying' && this.clients.has(client) && !this.closed;
    try {
      for (;;) {
        const page = await liveEventsAfter(this.options.redis, this.key, cursor, READ_COUNT);
        const wanted = page.filter((event) => wants(client, event));
        if (wanted.length > 0) {
          const rendered = await this.options.render(wanted);
          for (const event of wanted) {
            if (!replaying()) return;
            this.send(client, event, rendered);
          }
        }
        cursor = page.at(-1)?.eventId ?? cursor;
        if (!replaying() || client.response.destroyed || client.response.writableEnded) return;
        // Caught up with the log and with everything the reader has taken from it: what the reader takes next comes
        // after the cursor, and the client is live by then (nothing awaits between this check and going live).
        if (page.length < READ_COUNT && (this.position === null || compareEventIds(this.position, cursor) <= 0)) break;
      }
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'could not replay live events; stream ended so that the client resumes');
      client.response.end();
      return;
    }
    if (compareEventIds(cursor, client.lastSentId) > 0) client.lastSentId = cursor;
    client.state = 'live';
  }

  /** Writes the event to the client unless it has it already or does not want it. */
  private send(client: Client, event: LoggedLiveEvent, rendered: RenderedLiveEvents): void {
    if (compareEventIds(event.eventId, client.lastSentId) <= 0 || !wants(client, event)) return;
    client.lastSentId = event.eventId;
    const data = rendered.get(event.eventId)?.(client.brandId) ?? null;
    // A row deleted meanwhile (retention) has nothing left to show.
    if (data === null) return;
    this.write(client, formatSseEvent({ event: event.kind, id: event.eventId, data }));
  }

  /** A heartbeat to every client but those behind (it would only add to what they have not taken). */
  private beat(): void {
    for (const client of this.clients) if (client.state !== 'behind') this.write(client, formatSseComment('heartbeat'));
  }

  /**
   * The one way anything is written to a client, so that one rule judges them all: output left past the cap puts
   * the client behind and arms its grace (once: the grace counts from when it first passed the cap).
   */
  private write(client: Client, text: string): void {
    const { response } = client;
    if (response.destroyed || response.writableEnded) return;
    response.write(text);
    if (response.writableLength <= this.limits.maxBufferedBytes) return;
    client.state = 'behind';
    if (client.grace === undefined) {
      client.grace = setTimeout(() => this.graceOver(client), this.limits.slowClientWaitMs);
      client.grace.unref();
    }
  }

  /** A client past the cap for its whole grace stopped reading: dropped. One that took enough meanwhile goes on. */
  private graceOver(client: Client): void {
    client.grace = undefined;
    if (client.response.writableLength > this.limits.maxBufferedBytes) this.drop(client);
    else this.backlogTaken(client);
  }

  /** The client took its output (or enough of it): its grace ends, and one behind is replayed what it missed. */
  private backlogTaken(client: Client): void {
    clearTimeout(client.grace);
    client.grace = undefined;
    if (client.state !== 'behind' || !this.clients.has(client) || this.closed) return;
    client.state = 'replaying';
    // A replay still running (it was loading a page when the client fell behind) goes on by itself.
    if (!client.replaying) void this.replay(client);
  }

  private drop(client: Client): void {
    clearTimeout(client.grace);
    client.grace = undefined;
    if (!this.clients.delete(client)) return;
    streamClients.set(this.clients.size);
    streamClientsDropped.inc();
    this.options.logger.info({ keyName: client.keyName, buffered: client.response.writableLength }, 'live stream dropped: the client stopped reading');
    client.response.destroy();
  }
}

function wants(client: Client, event: LoggedLiveEvent): boolean {
  return client.brandId === undefined || event.brandIds.includes(client.brandId);
}
