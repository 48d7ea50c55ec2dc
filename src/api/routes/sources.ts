// GET /v1/sources (each configured source with its health) and POST /v1/sources/:id/poll (admin: poll now).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { formatDuration } from '../../config/duration.js';
import { sourceStatus } from '../../sources/source-health.js';
import { listSourceRecords } from '../../store/source-store.js';
import type { ApiDeps } from '../api-deps.js';
import { ApiError, ErrorCode } from '../errors.js';

const iso = (time: Date | null | undefined) => time?.toISOString() ?? null;

export const sourceRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get('/sources', async () => {
    const records = await listSourceRecords(deps.database);
    return {
      data: deps.config.sources.map((source) => {
        const record = records.get(source.id);
        return {
          id: source.id,
          type: source.type,
          every: formatDuration(source.every),
          brands: source.brands ?? null,
          status: sourceStatus(record),
          last_polled_at: iso(record?.lastPolledAt),
          last_ok_at: iso(record?.lastOkAt),
          consecutive_failures: record?.consecutiveFailures ?? 0,
          last_error: record?.lastError ?? null,
          retry_at: iso(record?.retryAt),
          mentions_total: record?.mentionsTotal ?? 0,
          last_mention_seen_at: iso(record?.lastMentionSeenAt),
        };
      }),
    };
  });

  app.post('/sources/:id/poll', { schema: { params: Type.Object({ id: Type.String() }) } }, async (request, reply) => {
    const { id } = request.params;
    if (!deps.config.sources.some((source) => source.id === id)) {
      throw new ApiError(ErrorCode.notFound, `no source with id ${id}`);
    }
    const jobId = await deps.pollNow(id);
    return reply.status(202).send({ data: { source_id: id, job_id: jobId } });
  });
};
