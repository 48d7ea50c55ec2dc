// Live updates over Server-Sent Events: GET /v1/stream for every brand (the views pick what concerns them). EventSource
// cannot send an Authorization header, so the stream is opened with a short-lived token from POST /v1/stream-tokens
// (the key itself never goes in a URL). EventSource reconnects by itself with Last-Event-ID, but by then its token
// may have expired and a refused reconnect ends it for good: so on any error the page closes it, asks for a fresh
// token and opens the stream again from the last event it saw (last_event_id), waiting longer after each failure
// (live-connection.ts; here only what the browser gives it).
import { sendJson, type ApiProblem } from './api-client.js';
import type { Alert, Mention } from './api-types.js';
import { connectLive, type LiveConnection, type LiveEventKind, type LiveState } from './live-connection.js';

export type { LiveState };

export interface LiveHandlers {
  mention(mention: Mention): void;
  alert(alert: Alert): void;
  state(state: LiveState, detail: string): void;
  /** The key was refused while asking for a token. */
  refused(problem: ApiProblem): void;
}

export type LiveStream = LiveConnection;

/** A token request unanswered this long is given up (and tried again after the usual wait). */
const TOKEN_TIMEOUT_MS = 10_000;
const FIRST_RETRY_MS = 3_000;
const LONGEST_RETRY_MS = 60_000;

export function startLive(handlers: LiveHandlers): LiveStream {
  return connectLive(
    {
      event(kind, data) {
        if (kind === 'mention') handlers.mention(JSON.parse(data) as Mention);
        else handlers.alert(JSON.parse(data) as Alert);
      },
      state: handlers.state,
      refused: handlers.refused,
    },
    {
      requestToken: async (signal) => (await sendJson<{ token: string; expires_at: string }>('POST', '/v1/stream-tokens', undefined, { signal }))?.token ?? '',
      openStream(url, callbacks) {
        const source = new EventSource(url);
        source.addEventListener('open', () => callbacks.open());
        source.addEventListener('error', () => callbacks.error());
        for (const kind of ['mention', 'alert'] as const satisfies readonly LiveEventKind[]) {
          source.addEventListener(kind, (event) => callbacks.event(kind, event.data as string, event.lastEventId));
        }
        return source;
      },
      streamUrl: '/v1/stream',
      tokenTimeoutMs: TOKEN_TIMEOUT_MS,
      firstRetryMs: FIRST_RETRY_MS,
      longestRetryMs: LONGEST_RETRY_MS,
    },
  );
}
