// Builds one notifier per configured channel, keyed by channel id.
import type { Config } from '../config/schema.js';
import type { HttpClient } from '../net/http-client.js';
import type { Notifier } from './notifiers/notifier.js';
import { notifierKindFor } from './notifiers/registry.js';

export function notifiersForConfig(config: Config, http: HttpClient): Map<string, Notifier> {
  const notifiers = new Map<string, Notifier>();
  for (const channel of config.alerts.channels) {
    const kind = notifierKindFor(channel.type);
    // The loader has rejected unknown types already.
    if (kind !== undefined) notifiers.set(channel.id, kind.create(channel, { http, timeoutMs: config.http.timeout }));
  }
  return notifiers;
}
