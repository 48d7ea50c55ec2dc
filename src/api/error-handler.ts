// Maps whatever a route throws to the API's one error shape; unexpected errors are logged, never echoed.
import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError, ErrorCode, errorBody, type ErrorCodeValue } from './errors.js';

const FASTIFY_CODES: Record<string, ErrorCodeValue> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ErrorCode.payloadTooLarge,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ErrorCode.unsupportedMediaType,
  FST_ERR_CTP_EMPTY_JSON_BODY: ErrorCode.validation,
  FST_ERR_CTP_INVALID_JSON_BODY: ErrorCode.validation,
  FST_ERR_VALIDATION: ErrorCode.validation,
};

export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) {
      return reply.status(error.statusCode).send(errorBody(error.code, error.message));
    }
    if (error.validation) {
      const message = error.validation
        .map((issue) => `${error.validationContext ?? 'request'}${issue.instancePath.replace(/\//g, '.')} ${issue.message ?? 'is invalid'}`)
        .join('; ');
      return reply.status(400).send(errorBody(ErrorCode.validation, message));
    }
    const knownCode = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (knownCode !== undefined) {
      return reply.status(error.statusCode ?? 400).send(errorBody(knownCode, error.message));
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send(errorBody(ErrorCode.validation, error.message));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send(errorBody(ErrorCode.internal, 'internal error; see the server log'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(errorBody(ErrorCode.notFound, `no route ${request.method} ${request.url.split('?')[0]}`)),
  );
}
