// GET /v1/reports/monthly: a brand's monthly KPI report as JSON, one self-contained HTML page, or CSV (format=, or
// the Accept header).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { lastCompleteMonth } from '../../analytics/monthly-report.js';
import { reportForConfig } from '../../analytics/report-for-config.js';
import { reportCsv } from '../../analytics/report-csv.js';
import { reportHtml } from '../../analytics/report-html.js';
import type { ApiDeps } from '../api-deps.js';
import { MonthlyReportResponse, responses } from '../response-schemas.js';
import { ApiError, ErrorCode } from '../errors.js';
import { knownBrandIds } from '../known-ids.js';
import { StringEnum } from '../string-enum.js';
import { zoneOf } from '../time-scope.js';

const REPORT_FORMATS = ['json', 'html', 'csv'] as const;
type ReportFormat = (typeof REPORT_FORMATS)[number];

const MonthlyReportQuery = Type.Object(
  {
    brand: Type.String({ minLength: 1 }),
    month: Type.Optional(Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'e.g. 2026-11; default the last complete month' })),
    format: Type.Optional(StringEnum(REPORT_FORMATS, { description: 'default: from Accept (text/html, text/csv), else json' })),
    tz: Type.Optional(Type.String({ description: 'IANA time zone of the month; default reports.timezone' })),
  },
  { additionalProperties: false },
);

function formatFromAccept(accept: string | undefined): ReportFormat {
  if (accept === undefined) return 'json';
  if (/\btext\/html\b/.test(accept)) return 'html';
  if (/\btext\/csv\b/.test(accept)) return 'csv';
  return 'json';
}

export const reportRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get('/reports/monthly', { schema: { querystring: MonthlyReportQuery, response: responses(MonthlyReportResponse) } }, async (request, reply) => {
    const query = request.query;
    const [brandId, more] = knownBrandIds('brand', query.brand, deps.config);
    if (brandId === undefined || more !== undefined) throw new ApiError(ErrorCode.validation, 'brand: one brand id');
    const zone = zoneOf(query.tz, deps.config);
    const month = query.month ?? lastCompleteMonth(new Date(), zone);
    const report = await reportForConfig(deps.readDatabase ?? deps.database, deps.config, brandId, month, zone);
    const format = query.format ?? formatFromAccept(request.headers.accept);
    const fileName = `buzzwatch-${brandId}-${month}`;
    if (format === 'html') return reply.type('text/html; charset=utf-8').send(reportHtml(report));
    if (format === 'csv') {
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${fileName}.csv"`).send(reportCsv(report));
    }
    return { data: report };
  });
};
