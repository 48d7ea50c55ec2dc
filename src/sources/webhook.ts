// Inbound webhooks: senders push signed mentions to POST /v1/webhooks/:sourceId (see src/api/routes/webhooks.ts).
// The kind only declares the config entry; there is nothing to poll.
import { Type } from '@sinclair/typebox';
import type { SourceConfig } from './source-config.js';
import { defineSourceKind, sourceConfigSchema } from './source-config.js';
import { SourceError } from './source-error.js';
import type { SourceKind } from './source.js';

export const WEBHOOK_TYPE = 'webhook';
export const MIN_SECRET_LENGTH = 16;

export const webhookSourceKind: SourceKind = {
  ...defineSourceKind({
    configSchema: sourceConfigSchema({
      // No {value} in the message: a config error must not print the secret it rejects.
      secret: Type.String({
        minLength: MIN_SECRET_LENGTH,
        errorMessage: `must be at least ${MIN_SECRET_LENGTH} characters (a guessable secret is no secret)`,
      }),
    }),
    create: (config) => ({
      config,
      // Never scheduled (the kind is inbound); a poll asked for by hand says why instead of pretending to succeed.
      poll: () => Promise.reject(new SourceError('internal', pushOnlyMessage(config.id))),
    }),
  }),
  inbound: true,
};

export function pushOnlyMessage(sourceId: string): string {
  return `${sourceId} is a webhook source: senders push to POST /v1/webhooks/${sourceId}; it is never polled`;
}

/** The signing secret of a webhook source, or null when `config` is another kind of source. */
export function webhookSecretOf(config: SourceConfig): string | null {
  return config.type === WEBHOOK_TYPE && typeof config.secret === 'string' ? config.secret : null;
}
