// GET /v1/alerts (alerts with their rules and every message with its delivery), GET /v1/alerts/:id (with the sample
// mentions), POST /v1/alerts/:id/ack (admin: someone is on it, with an optional comment; stops the reminders).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { alertEventsOf } from '../../live/live-publisher.js';
import { acknowledgeAlert, findAlert, listAlerts } from '../../store/alert-queries.js';
import type { ApiDeps } from '../api-deps.js';
import { AlertPageResponse, AlertResponse, responses } from '../response-schemas.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ApiError, ErrorCode } from '../errors.js';
import { assertKnownRule, knownBrandIds } from '../known-ids.js';
import { parseTimeParameter } from '../time-parameter.js';

const AlertsQuery = Type.Object(
  {
    brand: Type.Optional(Type.String({ minLength: 1 })),
    rule: Type.Optional(Type.String({ minLength: 1 })),
    // An enum, not a union of literals, so a wrong value is answered with the values there are.
    status: Type.Optional(Type.Unsafe<'firing' | 'resolved'>({ type: 'string', enum: ['firing', 'resolved'] })),
    since: Type.Optional(Type.String()),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);

const AlertParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

// A JSON `null` body is no comment too. Nullable rather than a union with null, so a bad comment is refused naming
// the comment alone (a union added "body must be null; body must match a schema in anyOf" to every refusal).
const AckBody = Type.Object(
  { comment: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) },
  { additionalProperties: false, nullable: true },
);

export const alertRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get('/alerts', { schema: { querystring: AlertsQuery, response: responses(AlertPageResponse) } }, async (request) => {
    const query = request.query;
    if (query.brand !== undefined) knownBrandIds('brand', query.brand, deps.config);
    if (query.rule !== undefined) assertKnownRule('rule', query.rule, deps.config);
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const page = await listAlerts(deps.database, {
      brandId: query.brand,
      ruleId: query.rule,
      status: query.status,
      since: parseTimeParameter('since', query.since),
      after: cursor === undefined ? undefined : { openedAt: cursor.occurredAt, id: cursor.id },
      limit: query.limit,
    });
    const last = page.alerts.at(-1);
    return {
      data: page.alerts,
      next_cursor: page.more && last !== undefined ? encodeCursor({ occurredAt: new Date(last.opened_at), id: last.id }) : null,
    };
  });

  app.get('/alerts/:id', { schema: { params: AlertParams, response: responses(AlertResponse) } }, async (request) => {
    const alert = await findAlert(deps.database, request.params.id);
    if (alert === null) throw new ApiError(ErrorCode.notFound, `no alert with id ${request.params.id}`);
    return { data: alert };
  });

  app.post('/alerts/:id/ack', { schema: { params: AlertParams, body: Type.Optional(AckBody), response: responses(AlertResponse) } }, async (request) => {
    const comment = request.body?.comment ?? null;
    const found = await acknowledgeAlert(deps.database, request.params.id, request.apiKeyName ?? 'unknown', comment, new Date());
    if (!found) throw new ApiError(ErrorCode.notFound, `no alert with id ${request.params.id}`);
    const alert = await findAlert(deps.database, request.params.id);
    if (alert !== null) await deps.live?.publisher.publish(alertEventsOf([{ alertId: alert.id, brandId: alert.brand_id }]));
    return { data: alert };
  });
};
