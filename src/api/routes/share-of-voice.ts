// GET /v1/share-of-voice: a brand's part of the mentions (reach, positive or negative mentions) it and its
// competitors got, over the range and per bucket.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { INTERVALS } from '../../analytics/buckets.js';
import { shareOfVoice, VOICE_MEASURES } from '../../analytics/share-of-voice.js';
import type { ApiDeps } from '../api-deps.js';
import { ShareOfVoiceResponse, responses } from '../response-schemas.js';
import { StringEnum } from '../string-enum.js';
import { ApiError, ErrorCode } from '../errors.js';
import { knownBrandIds } from '../known-ids.js';
import { readTimeScope, TimeScopeParameters, withinBucketLimit } from '../time-scope.js';

const ShareOfVoiceQuery = Type.Object(
  {
    brand: Type.Optional(Type.String({ minLength: 1, description: 'the brand; compared with its configured competitors' })),
    brands: Type.Optional(Type.String({ minLength: 1, description: 'brand ids to compare, separated by commas (instead of the competitors)' })),
    ...TimeScopeParameters,
    interval: StringEnum(INTERVALS, { default: 'day' }),
    by: StringEnum(VOICE_MEASURES, { default: 'mentions' }),
  },
  { additionalProperties: false },
);

const DEFAULT_SPAN_DAYS = 30;

export const shareOfVoiceRoutes: FastifyPluginAsyncTypebox<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.get('/share-of-voice', { schema: { querystring: ShareOfVoiceQuery, response: responses(ShareOfVoiceResponse) } }, async (request) => {
    const query = request.query;
    const brandIds = comparedBrands(query.brand, query.brands, deps);
    const scope = readTimeScope(query, deps.config, DEFAULT_SPAN_DAYS);
    return withinBucketLimit(() =>
      shareOfVoice(deps.readDatabase ?? deps.database, {
        brandIds,
        since: scope.since,
        until: scope.until,
        interval: query.interval,
        zone: scope.zone,
        by: query.by,
        includeBackfill: scope.includeBackfill,
      }),
    );
  });
};

/** `brands` as given (with `brand` first when both are), or the brand and its configured competitors. */
function comparedBrands(brand: string | undefined, brands: string | undefined, deps: ApiDeps): string[] {
  const first = brand === undefined ? [] : knownBrandIds('brand', brand, deps.config);
  if (first.length > 1) throw new ApiError(ErrorCode.validation, 'brand: one brand id; list several in brands');
  if (brands !== undefined) return [...new Set([...first, ...knownBrandIds('brands', brands, deps.config)])];
  if (first[0] === undefined) throw new ApiError(ErrorCode.validation, 'querystring must have brand (with its competitors) or brands');
  const competitors = deps.config.brands.find((candidate) => candidate.id === first[0])?.competitors ?? [];
  return [first[0], ...competitors];
}
