// GET /v1/mentions/export: every mention matching the /v1/mentions filters (no page limit) as CSV or NDJSON, streamed.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { mentionsCsv, mentionsNdjson } from '../../analytics/mention-export.js';
import type { ApiDeps } from '../api-deps.js';
import { MentionExportResponse, responses } from '../response-schemas.js';
import { StringEnum } from '../string-enum.js';
import { MentionFilterParameters, readMentionFilter, serializeMention } from './mentions.js';

const ExportQuery = Type.Object(
  { ...MentionFilterParameters, format: StringEnum(['csv', 'ndjson'] as const, { default: 'csv' }) },
  { additionalProperties: false },
);

export const mentionExportRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get('/mentions/export', { schema: { querystring: ExportQuery, response: responses(MentionExportResponse) } }, async (request, reply) => {
    const { format, ...filterQuery } = request.query;
    const filter = await readMentionFilter(filterQuery, deps);
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '');
    if (format === 'ndjson') {
      return reply
        .type('application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="mentions-${stamp}.ndjson"`)
        .send(mentionsNdjson(deps.readDatabase ?? deps.database, filter, (mention) => serializeMention(mention, { brand: filter.brand, story: filter.story })));
    }
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="mentions-${stamp}.csv"`)
      .send(mentionsCsv(deps.readDatabase ?? deps.database, filter));
  });
};
