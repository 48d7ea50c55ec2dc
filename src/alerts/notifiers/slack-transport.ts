// Posting any message to a Slack incoming webhook with @slack/webhook through our outbound HTTP client, and what
// Slack's refusals mean. Knows nothing of alerts: a digest posts through it too.
import {
  IncomingWebhook,
  IncomingWebhookHTTPError,
  IncomingWebhookRequestError,
  type FetchFunction,
  type IncomingWebhookSendArguments,
} from '@slack/webhook';
import type { HttpClient } from '../../net/http-client.js';
import { OutboundError } from '../../net/outbound-error.js';
import {
  DeliveryError,
  isRetryableStatus,
  outboundDeliveryError,
  redactSecrets,
  remoteReason,
  unexpectedDeliveryError,
} from './notifier.js';

export interface SlackTransport {
  /** Resolves once Slack accepted the message; throws a DeliveryError (never quoting the webhook URL) otherwise. */
  post(message: IncomingWebhookSendArguments): Promise<void>;
}

export function slackTransport(webhookUrl: string, deps: { http: HttpClient; timeoutMs: number }): SlackTransport {
  const webhook = new IncomingWebhook(webhookUrl, { timeout: deps.timeoutMs, fetch: fetchThrough(deps.http, deps.timeoutMs) });
  return {
    async post(message) {
      try {
        await webhook.send(message);
      } catch (error) {
        throw slackDeliveryError(error, webhookUrl);
      }
    },
  };
}

type FetchResponse = Awaited<ReturnType<FetchFunction>>;

/** @slack/webhook's fetch hook, served by our HTTP client so Slack gets the same timeouts and size caps. */
function fetchThrough(http: HttpClient, timeoutMs: number): FetchFunction {
  return async (url, init) => {
    // Our client sends buzzwatch's User-Agent (the one ops configured), not the library's.
    const headers = Object.fromEntries(Object.entries(init?.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'user-agent'));
    const response = await http.request({
      url: String(url),
      method: 'POST',
      headers,
      body: typeof init?.body === 'string' ? init.body : undefined,
      timeoutMs,
    });
    const text = response.body.toString('utf8');
    const fetchResponse: FetchResponse = {
      ok: response.status >= 200 && response.status <= 299,
      status: response.status,
      statusText: '',
      url: response.url,
      headers: response.headers,
      arrayBuffer: async () => new Uint8Array(response.body).buffer,
      json: async () => JSON.parse(text) as unknown,
      text: async () => text,
    };
    return fetchResponse;
  };
}

// What Slack's error bodies mean for whoever maintains the channel (https://api.slack.com/messaging/webhooks).
const SLACK_ERROR_ADVICE: Record<string, string> = {
  no_service: 'the webhook URL is wrong or was revoked',
  invalid_token: 'the webhook URL is wrong or was revoked',
  no_team: 'the webhook URL is wrong or its workspace was deleted',
  team_disabled: "the webhook's workspace is disabled",
  channel_not_found: "the webhook's channel was deleted",
  channel_is_archived: "the webhook's channel is archived",
  action_prohibited: 'a workspace admin restricted this webhook',
  posting_to_general_channel_denied: 'only admins may post to this channel',
  invalid_payload: 'Slack refused the message format',
  no_text: 'Slack refused the message format',
  too_many_attachments: 'Slack refused the message format',
};

/** The send's failure as a DeliveryError whose message never quotes the webhook URL. */
export function slackDeliveryError(error: unknown, webhookUrl: string): DeliveryError {
  const secrets = [webhookUrl, pathOf(webhookUrl)];
  if (error instanceof IncomingWebhookHTTPError) {
    const reason = remoteReason(redactSecrets(error.body, secrets), 100);
    const status = error.statusCode;
    const advice =
      SLACK_ERROR_ADVICE[reason] ??
      (status === 429
        ? 'Slack is rate limiting this webhook'
        : status >= 500
          ? 'Slack had a server error'
          : "check the channel's webhook URL");
    return new DeliveryError(`Slack answered HTTP ${status}${reason === '' ? '' : ` (${reason})`}: ${advice}`, isRetryableStatus(status));
  }
  const cause = error instanceof IncomingWebhookRequestError ? error.original : error;
  if (cause instanceof OutboundError) return outboundDeliveryError(cause, 'Slack', secrets);
  return unexpectedDeliveryError(cause, 'Slack', secrets);
}

/** The path of the webhook URL: the secret part of a Slack webhook, which an error could quote without the host. */
function pathOf(url: string): string | undefined {
  try {
    const { pathname } = new URL(url);
    return pathname.length > 1 ? pathname : undefined;
  } catch {
    return undefined;
  }
}
