// Bearer API keys for /v1: a missing or unknown key is 401, a read key may only read, a write key may also do what a
// route marks `config: { scope: 'write' }` (correcting a mention's sentiment), an admin key everything; and each key
// has its own request budget per window (429 past it). A route marked `config: { streamToken: true }` (the live
// stream) also takes a stream token in ?token= instead of the header: a browser's EventSource cannot send headers.
import { createHash, timingSafeEqual } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { formatDuration } from '../config/duration.js';
import type { ApiKeyConfig, Config } from '../config/schema.js';
import type { StreamTokenGrant } from '../live/stream-token-store.js';
import { ApiError, ErrorCode } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    apiKeyName?: string;
  }
  interface FastifyContextConfig {
    /** The least scope a key needs for this route; by default read for GET/HEAD and admin for the rest. */
    scope?: ApiKeyConfig['scope'];
    /** Also accepts a stream token (POST /v1/stream-tokens) in the `token` query parameter. */
    streamToken?: boolean;
  }
}

const READ_METHODS = new Set(['GET', 'HEAD']);

interface HashedKey {
  name: string;
  scope: ApiKeyConfig['scope'];
  digest: Buffer;
}

const digestOf = (key: string) => createHash('sha256').update(key).digest();

/** What a stream token was issued for, or null when it is unknown or expired. */
export type RedeemStreamToken = (token: string) => Promise<StreamTokenGrant | null>;

/** Adds the key check to every route registered on `scope` (an encapsulated plugin context). */
export function requireApiKey(scope: FastifyInstance, keys: readonly ApiKeyConfig[], redeemStreamToken?: RedeemStreamToken): void {
  const hashed: HashedKey[] = keys.map((key) => ({ name: key.name, scope: key.scope, digest: digestOf(key.key) }));
  scope.addHook('onRequest', async (request) => {
    const token = request.routeOptions.config?.streamToken === true ? (request.query as { token?: unknown }).token : undefined;
    const key =
      request.headers.authorization === undefined && typeof token === 'string'
        ? await keyOfStreamToken(token, hashed, redeemStreamToken)
        : findKey(request, hashed);
    const needed = request.routeOptions.config?.scope ?? (READ_METHODS.has(request.method) ? 'read' : 'admin');
    if (needed !== 'read' && key.scope !== 'admin' && key.scope !== needed) {
      const which = needed === 'write' ? 'a write or admin key' : 'an admin key';
      const keyIs = key.scope === 'read' ? 'read-only' : 'a write key';
      throw new ApiError(ErrorCode.forbidden, `the key "${key.name}" is ${keyIs}; ${request.method} needs ${which}`);
    }
    request.apiKeyName = key.name;
  });
}

/**
 * The configured key a stream token stands for. The key must still be configured under its name: a token does not
 * outlive the key that asked for it (removed by a reload); its scope is the key's scope now.
 */
async function keyOfStreamToken(token: string, keys: readonly HashedKey[], redeem: RedeemStreamToken | undefined): Promise<HashedKey> {
  const grant = redeem === undefined ? null : await redeem(token);
  const key = grant === null ? undefined : keys.find((candidate) => candidate.name === grant.keyName);
  // The same answer for an unknown, expired or orphaned token: which it was tells a guesser nothing useful.
  if (key === undefined) throw new ApiError(ErrorCode.unauthorized, 'unknown or expired stream token: ask POST /v1/stream-tokens for a new one');
  return key;
}

function findKey(request: FastifyRequest, keys: readonly HashedKey[]): HashedKey {
  const header = request.headers.authorization;
  if (header === undefined) {
    throw new ApiError(ErrorCode.unauthorized, 'missing API key: send Authorization: Bearer <key>');
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match === null) throw new ApiError(ErrorCode.unauthorized, 'malformed Authorization header: use Bearer <key>');
  const presented = digestOf(match[1] as string);
  // Compare against every key, in constant time each, so timing tells nothing about which key came close.
  let found: HashedKey | undefined;
  for (const key of keys) {
    if (timingSafeEqual(key.digest, presented)) found = key;
  }
  if (found === undefined) throw new ApiError(ErrorCode.unauthorized, 'unknown API key');
  return found;
}

/**
 * At most `limit.max` requests per key per `limit.window` on `scope`, counted in this process (@fastify/rate-limit's
 * memory store: no Redis round trip per request). Register after requireApiKey on the same scope: its check runs
 * after the key's, so refused keys never count and the budget is the key's whatever address it comes from.
 */
export async function limitRequestsPerKey(scope: FastifyInstance, limit: Config['api']['rate_limit']): Promise<void> {
  await scope.register(rateLimit, {
    max: limit.max,
    timeWindow: limit.window,
    keyGenerator: (request) => `key:${request.apiKeyName ?? request.ip}`,
    errorResponseBuilder: (request, context) =>
      new ApiError(
        ErrorCode.rateLimited,
        `more than ${context.max} requests in ${formatDuration(limit.window)} with the key "${request.apiKeyName ?? ''}"; retry in ${context.after}`,
      ),
  });
}
