// Live updates over Server-Sent Events: GET /v1/stream for every brand (the views pick what concerns them). EventSource
// cannot send an Authorization header, so the stream is opened with a short-lived token from POST /v1/stream-tokens
// (the key itself never goes in a URL). EventSource reconnects by itself with Last-Event-ID, but by then its token
// may have expired and a refused reconnect ends it for good: so on any error the page closes it, asks for a fresh
// token and opens the stream again from the last event it saw (last_event_id), waiting longer after each failure.
import { ApiProblem, queryString, sendJson } from './api-client.js';
import type { Alert, Mention } from './api-types.js';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'off';

export interface LiveHandlers {
  mention(mention: Mention): void;
  alert(alert: Alert): void;
  state(state: LiveState, detail: string): void;
  /** The key was refused while asking for a token. */
  refused(problem: ApiProblem): void;
}

const FIRST_RETRY_MS = 3_000;
const LONGEST_RETRY_MS = 60_000;

export interface LiveStream {
  stop(): void;
}

export function startLive(handlers: LiveHandlers): LiveStream {
  let source: EventSource | null = null;
  let lastEventId: string | null = null;
  let retryMs = FIRST_RETRY_MS;
  let timer: number | undefined;
  let stopped = false;

  const reopenLater = (detail: string) => {
    if (stopped) return;
    handlers.state('reconnecting', `${detail}; trying again in ${Math.round(retryMs / 1000)} s`);
    timer = window.setTimeout(() => void open(), retryMs);
    retryMs = Math.min(retryMs * 2, LONGEST_RETRY_MS);
  };

  const received = (event: MessageEvent<string>) => {
    if (event.lastEventId !== '') lastEventId = event.lastEventId;
    return JSON.parse(event.data) as unknown;
  };

  async function open(): Promise<void> {
    if (stopped) return;
    handlers.state(lastEventId === null ? 'connecting' : 'reconnecting', 'connecting');
    let token: string;
    try {
      const answer = await sendJson<{ token: string; expires_at: string }>('POST', '/v1/stream-tokens');
      token = answer?.token ?? '';
    } catch (error) {
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
    const stream = new EventSource(`/v1/stream${queryString({ token, last_event_id: lastEventId })}`);
    source = stream;
    stream.addEventListener('open', () => {
      // The stream works again (a quiet one may send no event for long): the next drop starts from the first delay.
      retryMs = FIRST_RETRY_MS;
      handlers.state('live', 'live');
    });
    stream.addEventListener('mention', (event) => handlers.mention(received(event) as Mention));
    stream.addEventListener('alert', (event) => handlers.alert(received(event) as Alert));
    stream.addEventListener('error', () => {
      stream.close();
      if (source === stream) source = null;
      reopenLater('the live stream was interrupted');
    });
  }

  void open();
  return {
    stop() {
      stopped = true;
      window.clearTimeout(timer);
      source?.close();
      source = null;
      handlers.state('off', 'stopped');
    },
  };
}
