// The HMAC scheme buzzwatch speaks both ways: inbound webhooks verify it, the outbound webhook notifier signs with it.
// Header: `X-Buzzwatch-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>`.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-buzzwatch-signature';
/** A signature older or newer than this is refused, so a captured request cannot be replayed later. */
export const SIGNATURE_TOLERANCE_S = 300;

export function signatureDigest(secret: string, timestampS: number, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestampS}.`).update(rawBody).digest('hex');
}

/** The header value for a body sent now. */
export function signBody(secret: string, rawBody: Buffer | string, now: Date = new Date()): string {
  const timestampS = Math.floor(now.getTime() / 1000);
  return `t=${timestampS},v1=${signatureDigest(secret, timestampS, rawBody)}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** A header that reads right and is recent: what can be checked before the body has arrived. */
export type SignatureHeaderCheck = { ok: true; timestampS: number; candidates: string[] } | { ok: false; reason: string };

/** Checks the header's form and age, which need no body: a request failing this need not be read at all. */
export function checkSignatureHeader(header: string | undefined, now: Date = new Date()): SignatureHeaderCheck {
  if (header === undefined || header.trim() === '') {
    return { ok: false, reason: 'missing X-Buzzwatch-Signature header' };
  }
  const fields = new Map<string, string[]>();
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator <= 0) continue;
    const name = part.slice(0, separator).trim();
    fields.set(name, [...(fields.get(name) ?? []), part.slice(separator + 1).trim()]);
  }
  const timestamp = fields.get('t')?.[0];
  const candidates = fields.get('v1') ?? [];
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp) || candidates.length === 0) {
    return { ok: false, reason: 'malformed X-Buzzwatch-Signature header (expected t=<unix seconds>,v1=<hex>)' };
  }
  const timestampS = Number(timestamp);
  if (Math.abs(now.getTime() / 1000 - timestampS) > SIGNATURE_TOLERANCE_S) {
    return { ok: false, reason: `signature timestamp is more than ${SIGNATURE_TOLERANCE_S} s from now` };
  }
  return { ok: true, timestampS, candidates };
}

/** Checks a header against the exact raw bytes received; the reason says what was wrong, never the expected value. */
export function verifySignature(
  header: string | undefined,
  secret: string,
  rawBody: Buffer,
  now: Date = new Date(),
): SignatureCheck {
  const checked = checkSignatureHeader(header, now);
  if (!checked.ok) return checked;
  const expected = Buffer.from(signatureDigest(secret, checked.timestampS, rawBody), 'hex');
  // Several v1 values are allowed so a sender can sign with an old and a new secret while rotating.
  const matches = checked.candidates.some((candidate) => {
    if (!/^[0-9a-f]{64}$/i.test(candidate)) return false;
    return timingSafeEqual(Buffer.from(candidate, 'hex'), expected);
  });
  return matches ? { ok: true } : { ok: false, reason: 'signature does not match the body' };
}
