// `buzzwatch preview`: one poll of one source with nothing saved or queued, to check a source before relying on it.
import type { Logger } from 'pino';
import type { BrandRule } from '../mentions/brand-matcher.js';
import { rulesForSource } from '../mentions/brand-rules.js';
import { mentionId } from '../mentions/mention-id.js';
import { localThrottle, type Throttle } from '../queue/redis-throttle.js';
import type { HttpClient } from '../net/http-client.js';
import { sourceKindFor } from '../sources/registry.js';
import { SkippedResults } from '../sources/skipped-results.js';
import type { Source } from '../sources/source.js';
import { toSourceError } from '../sources/source-error.js';
import { matchItem } from './match-items.js';
import { pollWarning } from './poll-warning.js';
import { sourceHttpClient } from './source-http.js';

export interface PreviewLine {
  id: string | null;
  external_id: string | null;
  url: string | null;
  title: string | null;
  text: string;
  author: string | null;
  lang: string | null;
  published_at: string | null;
  brands: string[];
}

/** `warning`: what the poll left out and why (see pollWarning), null when nothing. */
export type PreviewResult = { ok: true; lines: PreviewLine[]; warning: string | null } | { ok: false; reason: string };

export async function previewSource(
  source: Source,
  deps: { brandRules: readonly BrandRule[]; http: HttpClient; logger: Logger; throttle?: Throttle },
): Promise<PreviewResult> {
  if (sourceKindFor(source.config.type)?.inbound === true) {
    const { id, type } = source.config;
    return { ok: false, reason: `${id}: a ${type} source is push-only (senders POST to /v1/webhooks/${id}); there is nothing to preview` };
  }
  const skipped = new SkippedResults();
  let result;
  try {
    result = await source.poll({}, { http: sourceHttpClient(deps.http, source.config), logger: deps.logger, now: new Date(), throttle: deps.throttle ?? localThrottle(), skipped });
  } catch (error) {
    const sourceError = toSourceError(error);
    return { ok: false, reason: `${source.config.id}: ${sourceError.message}` };
  }
  const rules = rulesForSource(deps.brandRules, source.config.brands);
  const lines = result.items.map((rawItem) => {
    const matched = matchItem(rawItem, rules);
    const { item } = matched;
    const hasIdentity = matched.url !== null || item.externalId !== null;
    return {
      id: hasIdentity ? mentionId(matched.url, source.config.type, item.externalId) : null,
      external_id: item.externalId,
      url: matched.url,
      title: item.title,
      text: item.text,
      author: item.author,
      lang: item.lang,
      published_at: item.publishedAt?.toISOString() ?? null,
      brands: matched.brands,
    };
  });
  return { ok: true, lines, warning: pollWarning(skipped, result) };
}
