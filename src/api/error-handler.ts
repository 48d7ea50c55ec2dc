// Maps whatever a route throws to the API's one error shape; unexpected errors are logged, never echoed.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatDuration } from '../config/duration.js';
import { databaseBusyReason, type DatabaseBusyReason } from './database-busy.js';
import { isDependencyOutage } from './dependency-outage.js';
import { ApiError, ErrorCode, errorBody, type ErrorCodeValue } from './errors.js';

const FASTIFY_CODES: Record<string, ErrorCodeValue> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ErrorCode.payloadTooLarge,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ErrorCode.unsupportedMediaType,
  FST_ERR_CTP_EMPTY_JSON_BODY: ErrorCode.validation,
  FST_ERR_CTP_INVALID_JSON_BODY: ErrorCode.validation,
  FST_ERR_VALIDATION: ErrorCode.validation,
};

type ValidationIssue = NonNullable<FastifyError['validation']>[number];

/** One readable sentence per schema violation, naming the parameter or field as the client wrote it. */
function describeIssue(context: string, issue: ValidationIssue): string {
  const path = `${context}${issue.instancePath.replace(/\//g, '.')}`;
  const params = issue.params as { additionalProperty?: string; allowedValues?: unknown[] };
  if (issue.keyword === 'additionalProperties' && params.additionalProperty !== undefined) {
    return `${path}.${params.additionalProperty} is not a known ${context === 'querystring' ? 'parameter' : 'field'}`;
  }
  if (issue.keyword === 'enum' && params.allowedValues !== undefined) {
    return `${path} must be one of ${params.allowedValues.join(', ')}`;
  }
  return `${path} ${issue.message ?? 'is invalid'}`;
}

/** Errors Fastify meets before routing (Fastify's `frameworkErrors` option): the URL itself is unusable. */
export function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const message =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'a path parameter is longer than 100 characters'
      : error.code === 'FST_ERR_BAD_URL'
        ? 'the URL path is not valid (malformed percent-encoding)'
        : error.message;
  void reply.status(400).send(errorBody(ErrorCode.validation, message));
}

/** What Node keeps on a socket while it answers on it: an answer under way cannot be interrupted by another. */
type HttpSocket = Socket & { _httpMessage?: { headersSent?: boolean } | null };

/**
 * Answers errors Node meets on a connection before a request reaches Fastify (Fastify's `clientErrorHandler`):
 * a request that did not arrive within `requestTimeoutMs` is a 408, malformed HTTP a 400, both in the API's error
 * shape, and the connection is closed.
 */
export function clientErrorAnswer(requestTimeoutMs: number) {
  return function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, body] =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, errorBody(ErrorCode.requestTimeout, `the request did not arrive in full within ${formatDuration(requestTimeoutMs)}`)]
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, errorBody(ErrorCode.validation, 'the request headers are too large')]
          : [400, errorBody(ErrorCode.validation, 'malformed HTTP request')];
    const answering = (socket as HttpSocket)._httpMessage?.headersSent === true;
    if (socket.writable && !answering) {
      const json = JSON.stringify(body);
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
      );
    }
    socket.destroy();
  };
}

/**
 * An error answer is JSON whatever the route had chosen: a streamed export sets text/csv and an attachment name
 * before its first batch is read, and an error in that batch would otherwise be sent as a CSV download, or fail to
 * be sent at all (Fastify cannot write an object as text/csv, and answered with its own 500 instead).
 */
function answerAsJson(reply: FastifyReply): void {
  reply.removeHeader('content-disposition');
  reply.type('application/json; charset=utf-8');
}

/** A busy server answers again within seconds: queries are short, and a burst drains as fast as they finish. */
const BUSY_RETRY_AFTER_S = 2;

export interface ErrorHandlerOptions {
  /** api.query_timeout, named in the answer to a query PostgreSQL cancelled. */
  queryTimeoutMs: number;
}

export function registerErrorHandlers(app: FastifyInstance, options: ErrorHandlerOptions): void {
  const busyMessages: Record<DatabaseBusyReason, string> = {
    pool_exhausted: 'the server is busy: every database connection is in use; retry shortly',
    query_timeout:
      `the query ran longer than ${formatDuration(options.queryTimeoutMs)} (api.query_timeout) and was cancelled: ` +
      'narrow it (a shorter since/until, a rarer q) or retry when the server is less busy',
  };
  app.setErrorHandler((error: FastifyError, request, reply) => {
    answerAsJson(reply);
    if (error instanceof ApiError) {
      return reply.status(error.statusCode).send(errorBody(error.code, error.message));
    }
    if (error.validation) {
      const context = error.validationContext ?? 'request';
      const messages = new Set(error.validation.map((issue) => describeIssue(context, issue)));
      return reply.status(400).send(errorBody(ErrorCode.validation, [...messages].join('; ')));
    }
    const knownCode = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (knownCode !== undefined) {
      return reply.status(error.statusCode ?? 400).send(errorBody(knownCode, error.message));
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send(errorBody(ErrorCode.validation, error.message));
    }
    const busy = databaseBusyReason(error);
    if (busy !== null) {
      request.log.warn({ reason: busy }, 'database busy');
      return reply.status(503).header('retry-after', String(BUSY_RETRY_AFTER_S)).send(errorBody(ErrorCode.busy, busyMessages[busy]));
    }
    if (isDependencyOutage(error)) {
      request.log.warn({ err: error.message }, 'dependency unreachable');
      return reply.status(503).send(errorBody(ErrorCode.unavailable, 'a dependency (PostgreSQL or Redis) is unreachable; retry later'));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send(errorBody(ErrorCode.internal, 'internal error; see the server log'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(errorBody(ErrorCode.notFound, `no route ${request.method} ${request.url.split('?')[0]}`)),
  );
}
