// Slack incoming webhooks: the alert as Block Kit (header, summary, fact fields, sample mentions, context line)
// with a plain-text fallback, sent with @slack/webhook through our outbound HTTP client.
import {
  IncomingWebhook,
  IncomingWebhookHTTPError,
  IncomingWebhookRequestError,
  type FetchFunction,
} from '@slack/webhook';
import { HttpUrl } from '../../config/schema-types.js';
import type { HttpClient } from '../../net/http-client.js';
import { OutboundError } from '../../net/outbound-error.js';
import type { AlertEvent, AlertSampleMention } from '../alert-event.js';
import {
  alertFacts,
  alertTitle,
  leadSentences,
  linkableUrl,
  oneLine,
  sampleDetails,
  sampleTitle,
  statusLine,
  summarySentence,
  utcTime,
} from './format-alert.js';
import {
  DeliveryError,
  channelConfigSchema,
  defineNotifierKind,
  isRetryableStatus,
  outboundDeliveryError,
  redactSecrets,
  remoteReason,
  sendTimeoutMs,
  unexpectedDeliveryError,
} from './notifier.js';

/** Slack's documented limits for the blocks we send (characters, after escaping). */
export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  blocks: 50,
  contextText: 2000,
} as const;

// Our own caps, well inside Slack's, so one long mention cannot crowd out the rest of the message.
const FALLBACK_TEXT_MAX = 3000;
const SAMPLE_TITLE_MAX = 200;
const SAMPLE_SNIPPET_MAX = 600;
const MAX_SAMPLES = 3;

interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
}

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: boolean } }
  | { type: 'section'; text: MrkdwnText }
  | { type: 'section'; fields: MrkdwnText[] }
  | { type: 'context'; elements: MrkdwnText[] }
  | { type: 'divider' };

export interface SlackMessage {
  /** The plain fallback Slack shows in notifications and where blocks cannot be shown. */
  text: string;
  blocks: SlackBlock[];
}

const KIND_MARKERS: Record<AlertEvent['kind'], string> = { firing: '🔴', reminder: '🟠', resolved: '✅' };

/** The exact payload posted to Slack for an event. Pure. */
export function slackMessage(event: AlertEvent): SlackMessage {
  const title = `${KIND_MARKERS[event.kind]} ${alertTitle(event)}`;
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncatePlain(title, SLACK_LIMITS.headerText), emoji: true } },
    { type: 'section', text: mrkdwn(leadText(event)) },
    { type: 'section', fields: factFields(event) },
  ];
  const samples = event.samples.slice(0, MAX_SAMPLES);
  if (samples.length > 0) {
    blocks.push({ type: 'divider' });
    blocks.push(...samples.map((sample) => ({ type: 'section' as const, text: mrkdwn(sampleText(sample)) })));
  }
  blocks.push({ type: 'context', elements: [mrkdwn(contextText(event))] });
  return {
    text: escapeMrkdwnWithin(`${title} — ${leadSentences(event)}`, FALLBACK_TEXT_MAX),
    blocks: blocks.slice(0, SLACK_LIMITS.blocks),
  };
}

const mrkdwn = (text: string): MrkdwnText => ({ type: 'mrkdwn', text });

function leadText(event: AlertEvent): string {
  const status = statusLine(event);
  const summary = summarySentence(event);
  // The status line is our own wording and short; the summary gets whatever room is left.
  const boldStatus = status === null ? '' : `*${escapeMrkdwn(status)}*\n`;
  return boldStatus + escapeMrkdwnWithin(summary, SLACK_LIMITS.sectionText - boldStatus.length);
}

function factFields(event: AlertEvent): MrkdwnText[] {
  return alertFacts(event)
    .slice(0, SLACK_LIMITS.fields)
    .map((fact) => {
      const label = `*${escapeMrkdwn(fact.label)}*\n`;
      return mrkdwn(label + escapeMrkdwnWithin(fact.value, SLACK_LIMITS.fieldText - label.length));
    });
}

// Each part is capped (title 200, URL 2000 by linkableUrl, details ~400, snippet 600), so the whole stays under
// Slack's 3000 characters for a section without cutting through a <url|label> link.
function sampleText(sample: AlertSampleMention): string {
  const label = escapeMrkdwnWithin(sampleTitle(sample), SAMPLE_TITLE_MAX);
  const url = linkableUrl(sample.url);
  const heading = url === null ? `*${label}*` : `*<${slackLinkUrl(url)}|${label}>*`;
  const details = `_${escapeMrkdwn(sampleDetails(sample))}_`;
  const snippet = oneLine(sample.snippet);
  const quote = snippet === '' ? '' : `\n>${escapeMrkdwnWithin(snippet, SAMPLE_SNIPPET_MAX)}`;
  return `${heading}\n${details}${quote}`;
}

function contextText(event: AlertEvent): string {
  const text = `Rule ${event.rule.id} · episode ${event.episodeId} · ${utcTime(event.at)}`;
  return escapeMrkdwnWithin(text, SLACK_LIMITS.contextText);
}

const MRKDWN_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Slack's three control characters as entities, so text from mentions cannot open a link or ping a channel. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, (character) => MRKDWN_ESCAPES[character] ?? character);
}

/** Escaped text of at most `maxChars`, cut between characters (never inside an entity) and ending in "…" if cut. */
export function escapeMrkdwnWithin(text: string, maxChars: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= maxChars) return escaped;
  let result = '';
  for (const character of text) {
    const piece = escapeMrkdwn(character);
    if (result.length + piece.length + 1 > maxChars) break;
    result += piece;
  }
  return `${result}…`;
}

function truncatePlain(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let result = '';
  for (const character of text) {
    if (result.length + character.length + 1 > maxChars) break;
    result += character;
  }
  return `${result}…`;
}

/** A URL inside `<url|label>`: `|` and `>` would end it early, and Slack reads entities in it like anywhere else. */
function slackLinkUrl(href: string): string {
  return href.replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C').replace(/&/g, '&amp;');
}

export const slackNotifierKind = defineNotifierKind({
  configSchema: channelConfigSchema({
    // The webhook URL is the credential: a config error must not quote it.
    url: HttpUrl({ errorMessage: 'is not an http(s) URL (the value is not shown: it is a secret)', secret: true }),
  }),
  create: (config, deps) => {
    const timeoutMs = sendTimeoutMs(config, deps);
    const webhook = new IncomingWebhook(config.url, { timeout: timeoutMs, fetch: fetchThrough(deps.http, timeoutMs) });
    return {
      async send(event) {
        try {
          await webhook.send(slackMessage(event));
        } catch (error) {
          throw slackDeliveryError(error, config.url);
        }
      },
    };
  },
});

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
