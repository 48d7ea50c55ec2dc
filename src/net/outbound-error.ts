// What can go wrong on an outbound request before there is an HTTP status to look at. The message is shown (logs,
// last_error), so any URL quoted in it is redacted.
import { redactUrlsInText } from './redact-url.js';

export type OutboundErrorKind = 'timeout' | 'network' | 'too_large' | 'redirects' | 'invalid_url';

export class OutboundError extends Error {
  override readonly name = 'OutboundError';
  constructor(
    readonly kind: OutboundErrorKind,
    message: string,
  ) {
    super(redactUrlsInText(message));
  }
}
