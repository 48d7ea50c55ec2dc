// POST /v1/silences, GET /v1/silences, DELETE /v1/silences/:id: a silenced episode is still recorded, not delivered.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createSilence } from '../../store/alert-store.js';
import { endSilence, listSilences } from '../../store/alert-queries.js';
import type { ApiDeps } from '../api-deps.js';
import { NoContentResponse, SilenceListResponse, SilenceResponse, responses } from '../response-schemas.js';
import { ApiError, ErrorCode } from '../errors.js';
import { parseTimeParameter } from '../time-parameter.js';

const SilenceBody = Type.Object(
  {
    brand: Type.Optional(Type.String({ minLength: 1 })),
    rule: Type.Optional(Type.String({ minLength: 1 })),
    starts_at: Type.Optional(Type.String()),
    ends_at: Type.String(),
    comment: Type.String({ minLength: 1, maxLength: 2000 }),
  },
  { additionalProperties: false },
);

const SPAN_BACK_FROM_NOW = /^\s*\d+(h|d|w|mo|y)\s*$/;

/**
 * A silence's start or end: a moment, given as an ISO 8601 time with a zone or a date. The query parameters' spans
 * back from now ("2h" is two hours ago) would always end a silence in the past, so they are refused saying so, and a
 * time that does not parse is not answered with the query parameters' help that suggests them.
 */
function silenceTime(name: 'starts_at' | 'ends_at', value: string | undefined): Date | undefined {
  const help = `${name} must be an ISO 8601 time with a zone (2026-11-01T09:30:00Z) or a date (2026-11-01, its midnight UTC)`;
  if (value !== undefined && SPAN_BACK_FROM_NOW.test(value)) {
    throw new ApiError(ErrorCode.validation, `${help}, not a span (got "${value}")`);
  }
  try {
    return parseTimeParameter(name, value);
  } catch (error) {
    if (error instanceof ApiError) throw new ApiError(ErrorCode.validation, `${help} (got "${value}")`);
    throw error;
  }
}

export const silenceRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  const brandIds = deps.config.brands.map((brand) => brand.id);
  const ruleIds = deps.config.alerts.rules.map((rule) => rule.id);

  app.post('/silences', { schema: { body: SilenceBody, response: responses(SilenceResponse, 201) } }, async (request, reply) => {
    const body = request.body;
    if (body.brand !== undefined && !brandIds.includes(body.brand)) {
      throw new ApiError(ErrorCode.validation, `brand: "${body.brand}" is not configured (known: ${brandIds.join(', ')})`);
    }
    if (body.rule !== undefined && !ruleIds.includes(body.rule)) {
      throw new ApiError(ErrorCode.validation, `rule: "${body.rule}" is not configured (known: ${ruleIds.join(', ') || 'none'})`);
    }
    const now = new Date();
    const startsAt = silenceTime('starts_at', body.starts_at) ?? now;
    const endsAt = silenceTime('ends_at', body.ends_at) as Date;
    if (endsAt <= startsAt || endsAt <= now) {
      throw new ApiError(ErrorCode.validation, 'ends_at: must be in the future and after starts_at');
    }
    const id = await createSilence(deps.database, {
      brandId: body.brand ?? null,
      ruleId: body.rule ?? null,
      startsAt,
      endsAt,
      comment: body.comment,
      createdBy: request.apiKeyName ?? 'unknown',
    });
    const created = (await listSilences(deps.database, now)).find((silence) => silence.id === id);
    return reply.status(201).send({ data: created });
  });

  app.get('/silences', { schema: { response: responses(SilenceListResponse) } }, async () => ({ data: await listSilences(deps.database, new Date()) }));

  app.delete('/silences/:id', { schema: { params: Type.Object({ id: Type.String({ minLength: 1 }) }), response: responses(NoContentResponse, 204) } }, async (request, reply) => {
    const ended = await endSilence(deps.database, request.params.id, new Date());
    if (!ended) throw new ApiError(ErrorCode.notFound, `no running silence with id ${request.params.id}`);
    return reply.status(204).send();
  });
};
