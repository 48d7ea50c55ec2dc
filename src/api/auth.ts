// Bearer API keys for /v1: a missing or unknown key is 401, a read key may only read.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKeyConfig } from '../config/schema.js';
import { ApiError, ErrorCode } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    apiKeyName?: string;
  }
}

const READ_METHODS = new Set(['GET', 'HEAD']);

interface HashedKey {
  name: string;
  scope: ApiKeyConfig['scope'];
  digest: Buffer;
}

const digestOf = (key: string) => createHash('sha256').update(key).digest();

/** Adds the key check to every route registered on `scope` (an encapsulated plugin context). */
export function requireApiKey(scope: FastifyInstance, keys: readonly ApiKeyConfig[]): void {
  const hashed: HashedKey[] = keys.map((key) => ({ name: key.name, scope: key.scope, digest: digestOf(key.key) }));
  scope.addHook('onRequest', async (request) => {
    const key = findKey(request, hashed);
    if (!READ_METHODS.has(request.method) && key.scope !== 'admin') {
      throw new ApiError(ErrorCode.forbidden, `the key "${key.name}" is read-only; ${request.method} needs an admin key`);
    }
    request.apiKeyName = key.name;
  });
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
