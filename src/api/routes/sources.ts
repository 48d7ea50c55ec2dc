// GET /v1/sources (each configured source with its health) and POST /v1/sources/:id/poll (admin: poll now).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { formatDuration } from '../../config/duration.js';
import { sourceHealth } from '../../sources/source-health.js';
import { sourceKindFor } from '../../sources/registry.js';
import { listSourceRecords } from '../../store/source-store.js';
import type { ApiDeps } from '../api-deps.js';
import { PollAcceptedResponse, SourceListResponse, responses } from '../response-schemas.js';
import { ApiError, ErrorCode } from '../errors.js';

const iso = (time: Date | null | undefined) => time?.toISOString() ?? null;

export const sourceRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get('/sources', { schema: { response: responses(SourceListResponse) } }, async () => {
    const records = await listSourceRecords(deps.readDatabase ?? deps.database);
    const now = deps.clock?.() ?? new Date();
    return {
      data: deps.config.sources.map((source) => {
        const record = records.get(source.id);
        const health = sourceHealth(record, source, now);
        const pushed = sourceKindFor(source.type)?.inbound === true;
        return {
          id: source.id,
          type: source.type,
          // A webhook source is pushed to, never polled: an interval would be a lie.
          every: pushed ? null : formatDuration(source.every),
          brands: source.brands ?? null,
          status: health.status,
          expect_every: source.expect_every === undefined ? null : formatDuration(source.expect_every),
          silent_for: health.silentForMs === null ? null : formatDuration(Math.floor(health.silentForMs / 1000) * 1000),
          last_polled_at: iso(record?.lastPolledAt),
          last_ok_at: iso(record?.lastOkAt),
          consecutive_failures: record?.consecutiveFailures ?? 0,
          last_error: record?.lastError ?? null,
          last_warning: record?.lastWarning ?? null,
          retry_at: iso(record?.retryAt),
          mentions_total: record?.mentionsTotal ?? 0,
          last_mention_seen_at: iso(record?.lastMentionSeenAt),
        };
      }),
    };
  });

  app.post('/sources/:id/poll', { schema: { params: Type.Object({ id: Type.String() }), response: responses(PollAcceptedResponse, 202) } }, async (request, reply) => {
    const { id } = request.params;
    const source = deps.config.sources.find((candidate) => candidate.id === id);
    if (source === undefined) throw new ApiError(ErrorCode.notFound, `no source with id ${id}`);
    if (sourceKindFor(source.type)?.inbound === true) {
      throw new ApiError(ErrorCode.validation, `${id} is a ${source.type} source: senders push to POST /v1/webhooks/${id}; it is never polled`);
    }
    const jobId = await deps.pollNow(id);
    return reply.status(202).send({ data: { source_id: id, job_id: jobId } });
  });
};
