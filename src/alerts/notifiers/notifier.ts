// The Notifier interface: a notifier formats one AlertEvent for its channel and sends it, nothing about rules.
import { Type, type StaticDecode, type TObject, type TProperties } from '@sinclair/typebox';
import { Duration, Id } from '../../config/schema-types.js';
import type { HttpClient } from '../../net/http-client.js';
import { OutboundError } from '../../net/outbound-error.js';
import type { AlertEvent } from '../alert-event.js';

export interface Notifier {
  /** Resolves once the channel accepted the message; throws a DeliveryError otherwise. */
  send(event: AlertEvent): Promise<void>;
}

/**
 * Why a send failed, in words ops can act on (never a webhook URL, password or secret), and whether sending the
 * same message again later can succeed: yes for 5xx, 429, timeouts and network errors; no for a refusal that only a
 * configuration change fixes (other 4xx, a bad login, a rejected recipient).
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface NotifierDeps {
  /** The outbound HTTP client (timeouts, size caps, user agent) for HTTP-based channels. */
  http: HttpClient;
  /** How long one send may take when the channel's config sets no `timeout`. */
  timeoutMs: number;
}

export const channelBaseFields = {
  id: Id(),
  type: Type.String(),
  timeout: Type.Optional(Duration()),
};

/** A channel's config entry after validation, with `timeout` in milliseconds. */
export interface ChannelConfig {
  id: string;
  type: string;
  timeout?: number;
  [field: string]: unknown;
}

export function channelConfigSchema<Fields extends TProperties>(fields: Fields) {
  return Type.Object({ ...channelBaseFields, ...fields }, { additionalProperties: false });
}

/** A `type:` of channel: the schema of its config entry and how to build its notifier. */
export interface NotifierKind {
  configSchema: TObject;
  create(config: ChannelConfig, deps: NotifierDeps): Notifier;
}

/**
 * Registers a kind with a typed `create`; the loader has validated the entry against `configSchema` (and applied
 * its defaults) before `create` is called, which is what makes the one cast here sound.
 */
export function defineNotifierKind<Schema extends TObject>(kind: {
  configSchema: Schema;
  create: (config: StaticDecode<Schema> & ChannelConfig, deps: NotifierDeps) => Notifier;
}): NotifierKind {
  return {
    configSchema: kind.configSchema,
    create: (config, deps) => kind.create(config as StaticDecode<Schema> & ChannelConfig, deps),
  };
}

/** The timeout one send of this channel gets. */
export function sendTimeoutMs(config: ChannelConfig, deps: NotifierDeps): number {
  return config.timeout ?? deps.timeoutMs;
}

/**
 * `text` with every secret replaced: a last line of defence for text that came from a remote server or a library
 * (an SMTP reply, a response body) and could echo back what we sent.
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let redacted = text;
  for (const secret of secrets) {
    // Very short values (an empty user name, a one-letter password) would redact ordinary words.
    if (secret !== undefined && secret.length >= 4) redacted = redacted.split(secret).join('[redacted]');
  }
  return redacted;
}

/** The first line of a remote answer, shortened, for an error message. */
export function remoteReason(text: string, maxChars = 200): string {
  const firstLine = text.trim().split(/\r?\n/)[0] ?? '';
  return firstLine.length > maxChars ? `${firstLine.slice(0, maxChars - 1)}…` : firstLine;
}

/** Whether an HTTP status says the same request may succeed later (server trouble, rate limits, a slow answer). */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/**
 * A failed outbound HTTP request (no status to look at) as a DeliveryError. `service` names the other side
 * ("Slack", "the webhook receiver at hooks.example"); the OutboundError's own text is used only for timeouts and
 * network errors, whose messages name the host alone, because an invalid-URL message quotes the whole URL.
 */
export function outboundDeliveryError(error: OutboundError, service: string, secrets: ReadonlyArray<string | undefined>): DeliveryError {
  switch (error.kind) {
    case 'timeout':
    case 'network':
      return new DeliveryError(`${service}: ${redactSecrets(error.message, secrets)}`, true);
    case 'invalid_url':
      return new DeliveryError(`cannot send to ${service}: the channel's url is not a valid http(s) URL`, false);
    case 'redirects':
      return new DeliveryError(`${service} redirected too many times; check the channel's url`, false);
    case 'too_large':
      return new DeliveryError(`${service} answered with an oversized body`, true);
  }
}

/** Any error from a send that is not already a DeliveryError; unknown failures may be transient, so retryable. */
export function unexpectedDeliveryError(error: unknown, service: string, secrets: ReadonlyArray<string | undefined>): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof OutboundError) return outboundDeliveryError(error, service, secrets);
  const message = error instanceof Error ? error.message : String(error);
  return new DeliveryError(`sending to ${service} failed: ${remoteReason(redactSecrets(message, secrets))}`, true);
}
