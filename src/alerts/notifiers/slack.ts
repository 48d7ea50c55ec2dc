// The `slack` channel kind: an alert as Block Kit (slack-message.ts), posted to an incoming webhook (slack-transport.ts).
import { HttpUrl } from '../../config/schema-types.js';
import { channelConfigSchema, defineNotifierKind, sendTimeoutMs } from './notifier.js';
import { slackMessage } from './slack-message.js';
import { slackTransport } from './slack-transport.js';

export const slackNotifierKind = defineNotifierKind({
  configSchema: channelConfigSchema({
    // The webhook URL is the credential: a config error must not quote it.
    url: HttpUrl({ errorMessage: 'is not an http(s) URL (the value is not shown: it is a secret)', secret: true }),
  }),
  create: (config, deps) => {
    const transport = slackTransport(config.url, { http: deps.http, timeoutMs: sendTimeoutMs(config, deps) });
    return {
      send: (event) => transport.post(slackMessage(event)),
    };
  },
});
