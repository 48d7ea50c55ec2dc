// Maps a source's config `type:` to its kind. Adding a source kind is its file plus one line here.
import { rssSourceKind } from './rss.js';
import type { SourceKind } from './source.js';
import { webhookSourceKind } from './webhook.js';

export const sourceKinds = {
  rss: rssSourceKind,
  webhook: webhookSourceKind,
} satisfies Record<string, SourceKind>;

export type SourceType = keyof typeof sourceKinds;

export function sourceKindFor(type: string): SourceKind | undefined {
  return Object.hasOwn(sourceKinds, type) ? sourceKinds[type as SourceType] : undefined;
}

export const knownSourceTypes = Object.keys(sourceKinds).sort();
