// What can go wrong on an outbound request before there is an HTTP status to look at.
export type OutboundErrorKind = 'timeout' | 'network' | 'too_large' | 'redirects' | 'invalid_url';

export class OutboundError extends Error {
  override readonly name = 'OutboundError';
  constructor(
    readonly kind: OutboundErrorKind,
    message: string,
  ) {
    super(message);
  }
}
