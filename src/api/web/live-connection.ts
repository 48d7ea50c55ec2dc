// The live stream's connection loop, apart from the browser (it is given how to ask for a token and how to open an
// EventSource) so that it runs, and is tested, in Node too: ask for a stream token, open the stream with it from the
// last event seen, and on any failure try again later, waiting longer after each failure. A token request the API
// does not answer within `tokenTimeoutMs` is aborted and counts as a failure: a hung API would otherwise leave the
// live view "connecting" for ever.
import { ApiProblem } from './api-problem.js';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'off';
export type LiveEventKind = 'mention' | 'alert';

export interface LiveConnectionHandlers {
  /** An event of the stream: its data as sent (JSON text). */
  event(kind: LiveEventKind, data: string): void;
  state(state: LiveState, detail: string): void;
  /** The key was refused while asking for a token: the loop has stopped. */
  refused(problem: ApiProblem): void;
}

/** What an opened stream reports (an EventSource's open, error and named events). */
export interface StreamCallbacks {
  open(): void;
  event(kind: LiveEventKind, data: string, lastEventId: string): void;
  error(): void;
}

export interface LiveConnectionOptions {
  /** Asks POST /v1/stream-tokens for a token; `signal` aborts the request. */
  requestToken(signal: AbortSignal): Promise<string>;
  /** Opens GET /v1/stream at `url` (an EventSource in the page). */
  openStream(url: string, callbacks: StreamCallbacks): { close(): void };
  /** The stream's URL without its query: '/v1/stream' in the page. */
  streamUrl: string;
  tokenTimeoutMs: number;
  /** The wait after a failure; doubled after each failure in a row, up to `longestRetryMs`. */
  firstRetryMs: number;
  longestRetryMs: number;
}

export interface LiveConnection {
  stop(): void;
}

/** "3 s", "0.2 s": the waits as a person reads them. */
function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

export function connectLive(handlers: LiveConnectionHandlers, options: LiveConnectionOptions): LiveConnection {
  let stream: { close(): void } | null = null;
  let lastEventId: string | null = null;
  let retryMs = options.firstRetryMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let tokenRequest: AbortController | null = null;
  let stopped = false;

  const reopenLater = (detail: string) => {
    if (stopped) return;
    handlers.state('reconnecting', `${detail}; trying again in ${seconds(retryMs)}`);
    timer = setTimeout(() => void open(), retryMs);
    retryMs = Math.min(retryMs * 2, options.longestRetryMs);
  };

  /** A token, or a rejection once the API has not answered within tokenTimeoutMs (the request is then aborted). */
  const tokenWithin = async (): Promise<string> => {
    const controller = new AbortController();
    tokenRequest = controller;
    let timeout: ReturnType<typeof setTimeout> | undefined;
    // Raced, not only aborted: whatever the request does with the signal, the loop goes on when the time is up.
    const timedOut = new Promise<never>((_resolve, reject) => {
      timeout = setTimeout(() => {
        controller.abort();
        reject(new ApiProblem(`The API did not answer within ${seconds(options.tokenTimeoutMs)}`, 0));
      }, options.tokenTimeoutMs);
    });
    try {
      return await Promise.race([options.requestToken(controller.signal), timedOut]);
    } finally {
      clearTimeout(timeout);
      if (tokenRequest === controller) tokenRequest = null;
    }
  };

  async function open(): Promise<void> {
    if (stopped) return;
    handlers.state(lastEventId === null ? 'connecting' : 'reconnecting', 'connecting');
    let token: string;
    try {
      token = await tokenWithin();
    } catch (error) {
      if (stopped) return;
      if (error instanceof ApiProblem && error.signedOut) {
        stopped = true;
        handlers.state('off', 'signed out');
        handlers.refused(error);
        return;
      }
      reopenLater(error instanceof Error ? error.message : 'the live stream could not be opened');
      return;
    }
    if (stopped) return;
    const query = new URLSearchParams({ token });
    if (lastEventId !== null) query.set('last_event_id', lastEventId);
    let opened: { close(): void } | null = null;
    opened = options.openStream(`${options.streamUrl}?${query.toString()}`, {
      open() {
        // The stream works again (a quiet one may send no event for long): the next drop starts from the first delay.
        retryMs = options.firstRetryMs;
        handlers.state('live', 'live');
      },
      event(kind, data, eventId) {
        if (eventId !== '') lastEventId = eventId;
        handlers.event(kind, data);
      },
      error() {
        opened?.close();
        if (stream === opened) stream = null;
        reopenLater('the live stream was interrupted');
      },
    });
    stream = opened;
  }

  void open();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      tokenRequest?.abort();
      stream?.close();
      stream = null;
      handlers.state('off', 'stopped');
    },
  };
}
