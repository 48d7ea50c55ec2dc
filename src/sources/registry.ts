// Maps a source's config `type:` to its kind. Adding a source kind is its file plus one line here.
import { gdeltSourceKind } from './gdelt.js';
import { hackerNewsSourceKind } from './hackernews.js';
import { googleNewsSourceKind } from './google-news.js';
import { redditSourceKind } from './reddit.js';
import { rssSourceKind } from './rss.js';
import { stackExchangeSourceKind } from './stackexchange.js';
import type { BrandConfig } from '../config/schema.js';
import { blueskySourceKind } from './bluesky.js';
import { mastodonSourceKind } from './mastodon.js';
import type { SourceConfig } from './source-config.js';
import type { Source, SourceKind } from './source.js';
import { webhookSourceKind } from './webhook.js';

export const sourceKinds = {
  bluesky: blueskySourceKind,
  gdelt: gdeltSourceKind,
  hackernews: hackerNewsSourceKind,
  mastodon: mastodonSourceKind,
  'google-news': googleNewsSourceKind,
  reddit: redditSourceKind,
  rss: rssSourceKind,
  stackexchange: stackExchangeSourceKind,
  webhook: webhookSourceKind,
} satisfies Record<string, SourceKind>;

export type SourceType = keyof typeof sourceKinds;

export function sourceKindFor(type: string): SourceKind | undefined {
  return Object.hasOwn(sourceKinds, type) ? sourceKinds[type as SourceType] : undefined;
}

export const knownSourceTypes = Object.keys(sourceKinds).sort();

/** Builds the source a validated config entry describes, telling it the brands it feeds. */
export function createSource(sourceConfig: SourceConfig, brands: readonly BrandConfig[]): Source {
  const kind = sourceKindFor(sourceConfig.type);
  // The loader has rejected unknown types already; reaching this is a bug, not a config error.
  if (kind === undefined) throw new Error(`unknown source type ${sourceConfig.type}`);
  const fed = sourceConfig.brands === undefined ? brands : brands.filter((brand) => sourceConfig.brands?.includes(brand.id));
  return kind.create(sourceConfig, { brands: fed });
}
