// The `email` channel kind: an alert as a threaded e-mail (email-message.ts), sent over SMTP (email-transport.ts).
import { Type } from '@sinclair/typebox';
import { emailMessage } from './email-message.js';
import { emailTransport } from './email-transport.js';
import { channelConfigSchema, defineNotifierKind, sendTimeoutMs } from './notifier.js';

// `Name <address>` or a bare address; nodemailer parses and encodes it.
const EmailAddress = (what: string) =>
  Type.String({
    pattern: '^(?:[^\\s@<>]+@[^\\s@<>]+|[^<>]*<[^\\s@<>]+@[^\\s@<>]+>)$',
    errorMessage: `{value} is not an e-mail address (${what}: alerts@example.com or "buzzwatch <alerts@example.com>")`,
  });

export const emailNotifierKind = defineNotifierKind({
  configSchema: channelConfigSchema({
    smtp: Type.String({
      pattern: '^smtps?://[^/?#\\s]+',
      // The URL carries the SMTP password: a config error must not quote it.
      errorMessage: 'is not an smtp:// or smtps:// URL such as smtp://user:password@mail.example:587 (the value is not shown: it may hold a password)',
      secret: true,
    }),
    from: EmailAddress('the sender'),
    to: Type.Array(EmailAddress('a recipient'), { minItems: 1, errorMessage: 'needs at least one address' }),
  }),
  create: (config, deps) => {
    const transport = emailTransport(config.smtp, sendTimeoutMs(config, deps));
    return {
      send: (event) => transport.send(emailMessage(event, config)),
    };
  },
});
