// The Mention: one normalised item that matched at least one brand, as it travels through the queue to PostgreSQL.
import { Type, type Static } from '@sinclair/typebox';
import '../config/formats.js';

const NullableString = Type.Union([Type.String(), Type.Null()]);
const IsoTime = Type.String({ format: 'date-time' });

export const MentionSchema = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    sourceId: Type.String({ minLength: 1 }),
    sourceType: Type.String({ minLength: 1 }),
    externalId: NullableString,
    url: NullableString,
    title: NullableString,
    text: Type.String(),
    author: NullableString,
    lang: NullableString,
    publishedAt: Type.Union([IsoTime, Type.Null()], { errorMessage: 'must be an ISO 8601 time or null' }),
    seenAt: IsoTime,
    brands: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    backfill: Type.Boolean(),
    reach: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], { errorMessage: 'must be a number of at least 0, or null' }),
  },
  { additionalProperties: false },
);

export type Mention = Static<typeof MentionSchema>;

/** What a source hands back for each entry it found, before brand matching turns it into a Mention. */
export interface SourceItem {
  /** The sender's own id (RSS guid, Atom id, API id); null when it has none. */
  externalId: string | null;
  /** The permalink as published (canonicalised later). */
  url: string | null;
  title: string | null;
  text: string;
  author: string | null;
  lang: string | null;
  publishedAt: Date | null;
  reach: number | null;
  /**
   * Where the item was published, when `url` is an aggregator's link (a news.google.com redirect): what a brand
   * query's `site:` judges. Absent: the host of `url`.
   */
  siteUrl?: string | null;
}
