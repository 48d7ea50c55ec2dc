// Short-lived tokens that open live streams (GET /v1/stream?token=...): a browser's EventSource cannot send an
// Authorization header, and an API key must never sit in a URL (logs, history, proxies). A token is worth little
// when leaked: it only opens streams, for minutes. Kept in Redis so that every API process accepts every token; only
// its SHA-256 is stored, so the token itself is nowhere but with the client.
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ApiKeyConfig } from '../config/schema.js';

export interface StreamTokenGrant {
  /** The name of the key that asked for the token (never the key). */
  keyName: string;
  scope: ApiKeyConfig['scope'];
}

export interface IssuedStreamToken {
  token: string;
  expiresAt: Date;
}

// 32 random bytes, base64url: 43 characters, 256 bits.
const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function streamTokenKey(keyPrefix: string, token: string): string {
  return `${keyPrefix}:stream-token:${createHash('sha256').update(token).digest('hex')}`;
}

export async function issueStreamToken(redis: Redis, keyPrefix: string, grant: StreamTokenGrant, ttlMs: number, now: Date): Promise<IssuedStreamToken> {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  await redis.set(streamTokenKey(keyPrefix, token), JSON.stringify({ key: grant.keyName, scope: grant.scope }), 'PX', ttlMs);
  return { token, expiresAt: new Date(now.getTime() + ttlMs) };
}

/** What the token was issued for, or null when it is unknown or expired (or not shaped like a token at all). */
export async function redeemStreamToken(redis: Redis, keyPrefix: string, token: string): Promise<StreamTokenGrant | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const stored = await redis.get(streamTokenKey(keyPrefix, token));
  if (stored === null) return null;
  const parsed = JSON.parse(stored) as { key?: unknown; scope?: unknown };
  if (typeof parsed.key !== 'string' || !['read', 'write', 'admin'].includes(parsed.scope as string)) return null;
  return { keyName: parsed.key, scope: parsed.scope as ApiKeyConfig['scope'] };
}
