// Reads mention history newest first with keyset pagination: (occurred_at, id) strictly after the cursor, so pages
// neither skip nor repeat while new mentions arrive.
import type { ScoredLabel, SentimentLabel } from '../sentiment/sentiment-label.js';
import { searchQuery } from '../mentions/search-text.js';
import pg from 'pg';
import type { Database } from './database.js';
import { parseTextArray, TEXT_ARRAY_OID } from './text-array-parser.js';
import { isoTimeOfTimestamptz } from './timestamptz.js';
import { pageStatementName } from './page-statements.js';

export interface MentionPosition {
  occurredAt: Date;
  id: string;
}

export interface MentionFilter {
  brand?: string;
  source?: string;
  sentiment?: SentimentLabel;
  /** ISO 639-1 language code. */
  lang?: string;
  since?: Date;
  until?: Date;
  /** Full-text query (web search syntax: words, "phrases", OR, -word). */
  q?: string;
  /** Mentions in this story. */
  story?: string;
  /** False leaves out mentions found by a source's first poll (default: they are listed). */
  includeBackfill?: boolean;
  limit: number;
  after?: MentionPosition;
}

export interface StoredMention {
  id: string;
  brands: string[];
  /** The mention's story for each of its brands, in the order of `brands` (null: not assigned). */
  storyIds: Array<string | null>;
  sourceId: string;
  sourceType: string;
  url: string | null;
  title: string | null;
  text: string;
  author: string | null;
  lang: string | null;
  /** The times as ISO strings (`2026-11-05T12:34:56.789Z`), as answers write them: see MENTION_ROW_TYPES. */
  publishedAt: string | null;
  seenAt: string;
  occurredAt: string;
  backfill: boolean;
  reach: number | null;
  /** The effective label (a manual override when there is one) and the model's score. */
  sentiment: { label: SentimentLabel; score: number | null };
  sentimentSource: 'model' | 'manual';
  modelSentiment: { label: SentimentLabel; version: number };
  override: { label: ScoredLabel; by: string; at: string } | null;
}

/**
 * A mention row as pg hands it over in rowMode 'array': the columns of MENTION_COLUMNS, in their order. Rows as arrays
 * spare pg an object per row (22 named properties set one by one: pg's parseRow 82-101 → 65-68 µs per 50-mention page),
 * and the API reads every column of a page once anyway.
 */
type MentionRow = [
  id: string,
  sourceId: string,
  sourceType: string,
  url: string | null,
  title: string | null,
  content: string,
  author: string | null,
  lang: string | null,
  publishedAt: string | null,
  seenAt: string,
  occurredAt: string,
  backfill: boolean,
  reach: number | null,
  sentimentLabel: SentimentLabel,
  sentimentScore: number | null,
  modelSentimentLabel: SentimentLabel,
  sentimentVersion: number,
  sentimentOverride: ScoredLabel | null,
  sentimentOverrideBy: string | null,
  sentimentOverrideAt: string | null,
  links: Array<string | null> | null,
];

/**
 * A mention's brands and then their story ids, in one text[] (`{acme,globex,NULL,s1}`; NULL when it has no links),
 * from one lookup in its month's mention_brands: a page of 51 mentions probed that primary key 102 times when brands
 * and story ids were two subqueries, and each probe of an older month's links reads one page more at 10M than at 1M
 * (a btree level deeper; docs/benchmarks.md). Both aggregates order their input by brand (unique within a mention), which
 * keeps each story id at its brand's place: an ORDER BY of the sub-select is not promised to reach an aggregate.
 */
const MENTION_LINKS = `(SELECT array_agg(l.brand_id ORDER BY l.brand_id) || array_agg(l.story_id ORDER BY l.brand_id) FROM (
    SELECT brand_id, story_id FROM mention_brands WHERE mention_id = m.id AND occurred_at = m.occurred_at) l)`;

/** The brands and story ids of MENTION_LINKS, each half of it. */
function splitLinks(links: Array<string | null> | null): { brands: string[]; storyIds: Array<string | null> } {
  if (links === null) return { brands: [], storyIds: [] };
  const brandCount = links.length / 2;
  // brand_id is NOT NULL: the first half holds no null.
  return { brands: links.slice(0, brandCount) as string[], storyIds: links.slice(brandCount) };
}

// In the order of MentionRow.
const MENTION_COLUMNS = `m.id, m.source_id, m.source_type, m.url, m.title, m.content, m.author, m.lang, m.published_at,
  m.seen_at, m.occurred_at, m.backfill, m.reach, m.sentiment_label, m.sentiment_score, m.model_sentiment_label,
  m.sentiment_version, m.sentiment_override, m.sentiment_override_by, m.sentiment_override_at, ${MENTION_LINKS} AS links`;

/**
 * pg's parsers, but timestamptz columns read as the ISO strings answers write (isoTimeOfTimestamptz) instead of Dates
 * that every answer turned back into those strings: a Date made and formatted for each of a page's 150 times; and the
 * links (text[]: brands and story ids) read without an object per character (parseTextArray).
 */
const MENTION_ROW_TYPES = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => {
    if (format === 'binary') return pg.types.getTypeParser(oid, format);
    if (oid === pg.types.builtins.TIMESTAMPTZ) return isoTimeOfTimestamptz;
    if (oid === TEXT_ARRAY_OID) return parseTextArray;
    return pg.types.getTypeParser(oid, format);
  },
};

/** The mention rows of a statement selecting MENTION_COLUMNS; prepared under `name` when one is given. */
async function queryMentionRows(database: Database, text: string, values: unknown[], name?: string): Promise<MentionRow[]> {
  const { rows } = await database.query<MentionRow>({ name, text, values, rowMode: 'array', types: MENTION_ROW_TYPES });
  return rows;
}

function toStoredMention(row: MentionRow): StoredMention {
  const [
    id, sourceId, sourceType, url, title, content, author, lang, publishedAt, seenAt, occurredAt, backfill, reach,
    sentimentLabel, sentimentScore, modelSentimentLabel, sentimentVersion, sentimentOverride, sentimentOverrideBy,
    sentimentOverrideAt, links,
  ] = row;
  const { brands, storyIds } = splitLinks(links);
  return {
    id,
    brands,
    storyIds,
    sourceId,
    sourceType,
    url,
    title,
    text: content,
    author,
    lang,
    publishedAt,
    seenAt,
    occurredAt,
    backfill,
    reach,
    sentiment: { label: sentimentLabel, score: sentimentScore },
    sentimentSource: sentimentOverride === null ? 'model' : 'manual',
    modelSentiment: { label: modelSentimentLabel, version: sentimentVersion },
    override:
      sentimentOverride === null
        ? null
        : { label: sentimentOverride, by: sentimentOverrideBy ?? '', at: sentimentOverrideAt ?? new Date(0).toISOString() },
  };
}

export interface MentionPage {
  mentions: StoredMention[];
  /** Where the next page starts, or null when this was the last one. */
  next: MentionPosition | null;
}

/**
 * The mention with this id and time, read from its own month's partition. A subquery kept apart from the walk
 * (OFFSET 0): joined plainly on (id, occurred_at), PostgreSQL multiplies the two equalities' selectivities, expects one
 * row from the whole walk and sorts it all instead of walking an index to the page's end (bench:api, 1M: seconds).
 */
const MENTION_OF = (id: string, occurredAt: string) =>
  `(SELECT * FROM mentions WHERE id = ${id} AND occurred_at = ${occurredAt} OFFSET 0) AS m`;

/**
 * How a page is found: walking all mentions by time (PostgreSQL may take a full-text query's matches from the GIN
 * index instead, see below), or walking one brand's links by time.
 */
export type Walk = 'time' | 'brand';

/** A filter as SQL: the walk's FROM, its conditions (`m` is the mention), and the columns that order it. */
export interface MentionFilterSql {
  walk: Walk;
  from: string;
  /** linkConditions, then ownConditions. */
  conditions: string[];
  /**
   * Those of `conditions` that look up the mention's links (the brand or story asked for, on a walk by time): a per-row
   * probe of mention_brands each, which a full-text page puts off until its matches are in time order (pageOfMatches).
   */
  linkConditions: string[];
  /** The rest of `conditions`: on the walk's own columns. */
  ownConditions: string[];
  timeColumn: string;
  idColumn: string;
  /** The walk's order, newest first, as ORDER BY keys: the time and id columns, led by the source when one is asked for. */
  order: string;
  /** The full-text query as SQL, or undefined; listMentions decides where it goes, mentionFilterSql leaves it out. */
  match: string | undefined;
}

/**
 * The FROM and WHERE of a filter. `value` turns each value into SQL: a bind parameter ($n) for a query, or a quoted
 * literal where parameters cannot go (COPY, for the export).
 */
export function mentionFilterSql(filter: Omit<MentionFilter, 'limit'>, value: (value: unknown) => string): MentionFilterSql {
  const tsquery = filter.q === undefined ? undefined : searchQuery(filter.q);
  const walk: Walk = tsquery === undefined && (filter.brand !== undefined || filter.story !== undefined) ? 'brand' : 'time';
  const timeColumn = walk === 'brand' ? 'mb.occurred_at' : 'm.occurred_at';
  const idColumn = walk === 'brand' ? 'mb.mention_id' : 'm.id';
  const ownConditions: string[] = [];
  const linkConditions: string[] = [];
  if (walk === 'brand') {
    // The walk is the links: the brand and story are its own columns.
    if (filter.brand !== undefined) ownConditions.push(`mb.brand_id = ${value(filter.brand)}`);
    if (filter.story !== undefined) ownConditions.push(`mb.story_id = ${value(filter.story)}`);
  } else {
    // An EXISTS looked up for each mention the walk reaches (OFFSET 0 keeps it a per-row lookup in the mention's own
    // month): as a semi-join PostgreSQL hashed every link of the brand first when it expected many matches of a word
    // it has no statistics for (brand=acme&q=boycott, 1M: 1.4 s instead of 20 ms; bench:api).
    if (filter.brand !== undefined) {
      linkConditions.push(`EXISTS (SELECT 1 FROM mention_brands b WHERE b.mention_id = m.id AND b.occurred_at = m.occurred_at AND b.brand_id = ${value(filter.brand)} OFFSET 0)`);
    }
    if (filter.story !== undefined) {
      linkConditions.push(`EXISTS (SELECT 1 FROM mention_brands b WHERE b.mention_id = m.id AND b.occurred_at = m.occurred_at AND b.story_id = ${value(filter.story)} OFFSET 0)`);
    }
  }
  // A walk by time of one source's mentions is the walk of the source's index (source_id, occurred_at, id): asked as
  // that index's order, with the source as an array (an equality would make the source a constant of the order, which
  // every time index then serves too). PostgreSQL 15 picks each partition's scan under a LIMIT by its cost to the
  // first row alone, and a partition's time index is one level lower than its source index while the month is small
  // (bench:api, 1M: December's 28,118 rows): it walked that whole month by time for a source with no mention in it
  // (source=feed-01, 20 ms instead of 1). The same rows in the same order: every row of the walk has that source.
  const sourceLeadsWalk = walk === 'time' && filter.source !== undefined;
  if (filter.source !== undefined) {
    ownConditions.push(sourceLeadsWalk ? `m.source_id = ANY(ARRAY[${value(filter.source)}])` : `m.source_id = ${value(filter.source)}`);
  }
  if (filter.sentiment !== undefined) ownConditions.push(`m.sentiment_label = ${value(filter.sentiment)}`);
  if (filter.includeBackfill === false) ownConditions.push('NOT m.backfill');
  if (filter.lang !== undefined) ownConditions.push(`m.lang = ${value(filter.lang)}`);
  if (filter.since !== undefined) ownConditions.push(`${timeColumn} >= ${value(filter.since)}`);
  if (filter.until !== undefined) ownConditions.push(`${timeColumn} < ${value(filter.until)}`);
  if (filter.after !== undefined) {
    const time = value(filter.after.occurredAt);
    // The plain bound says the same as the row comparison; it is there because PostgreSQL prunes time partitions
    // (and narrows the time index) by it, not by a row comparison.
    ownConditions.push(`${timeColumn} <= ${time}`, `(${timeColumn}, ${idColumn}) < (${time}, ${value(filter.after.id)})`);
  }
  const from = walk === 'brand' ? `mention_brands mb CROSS JOIN LATERAL ${MENTION_OF('mb.mention_id', 'mb.occurred_at')}` : 'mentions m';
  const match = tsquery === undefined ? undefined : `websearch_to_tsquery('simple', ${value(tsquery)})`;
  const order = `${sourceLeadsWalk ? 'm.source_id, ' : ''}${timeColumn} DESC, ${idColumn} DESC`;
  return { walk, from, conditions: [...linkConditions, ...ownConditions], linkConditions, ownConditions, timeColumn, idColumn, order, match };
}

/**
 * Whether a page of this filter runs as well on a generic plan, made once per connection for any values, as on a plan
 * made for its values (bench:api at 1M, each page's statement prepared and run both ways, docs/benchmarks.md#bench-api):
 * walks by time or by brand, filtered on source, sentiment, language, time and cursor, get the same plan either way,
 * skewed values included (the largest and smallest brand and source, a quiet source), with the time partitions pruned
 * when it starts ("Subplans Removed"), in about half the time (planning was the other half). Full-text pages too since
 * their words are a scalar subquery (pageOfMatches): as a plain expression of a parameter, a generic plan computed
 * websearch_to_tsquery for every row it walked instead of once (rare words and no hits 1.4-2.2× slower: q=lawsuit
 * -warranty 19.6 → 42.1 ms p50). Not a story's page: not measured (the bench has no stories).
 */
function fitsGenericPlan(filter: MentionFilter): boolean {
  return filter.story === undefined;
}

/**
 * A page of mentions. `plannedOnce`, when given, is a pool of generic plans (createDatabase's genericPlans) on the
 * same data: a page that fits it (fitsGenericPlan) is prepared there by name (page-statements.ts), so that each of its
 * connections plans it once; any other page, or one past that pool's bound on names, is sent unnamed to `database` and
 * planned for its values, as every page was before.
 */
export async function listMentions(database: Database, filter: MentionFilter, plannedOnce?: Database): Promise<MentionPage> {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const { from, conditions, linkConditions, ownConditions, timeColumn, idColumn, order: walkOrder, match } = mentionFilterSql(filter, param);
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const limit = param(filter.limit + 1);
  const order = `ORDER BY ${walkOrder} LIMIT ${limit}`;
  // A search's walk by time goes through the brand's (or story's) own links when it has one, not through every
  // mention with a per-row check of its brand: the links are read in order from their index, each mention looked up
  // once (bench:api, 1M, brand=acme&q=boycott: the walk 17 ms instead of 130-220 ms; initech 19 instead of 260-670).
  const walk = match !== undefined && (filter.brand !== undefined || filter.story !== undefined) ? mentionFilterSql({ ...filter, q: undefined }, param) : undefined;
  const text =
    match === undefined
      ? `SELECT ${MENTION_COLUMNS} FROM ${from} ${where} ${order}`
      : pageOfMatches({
          walk: walk ?? { from, conditions, timeColumn, idColumn, order: walkOrder },
          ownConditions,
          linkConditions,
          match: `(SELECT ${match})`,
          pageRows: limit,
          rangeBounds: MATCH_RANGE_BOUNDS,
        });
  // The text names no value (each is a parameter), so one name stands for every page of the same filters.
  const name = plannedOnce !== undefined && fitsGenericPlan(filter) ? pageStatementName(plannedOnce, text) : undefined;
  const rows = plannedOnce !== undefined && name !== undefined
    ? await queryMentionRows(plannedOnce, text, params, name)
    : await queryMentionRows(database, text, params);
  const mentions = rows.slice(0, filter.limit).map(toStoredMention);
  const last = mentions.at(-1);
  // The ISO string holds the milliseconds the Date of the row would have.
  const next = rows.length > filter.limit && last !== undefined ? { occurredAt: new Date(last.occurredAt), id: last.id } : null;
  return { mentions, next };
}

// How many of the newest mentions (after the cursor, within the other filters) a full-text page looks through before
// it takes the query's matches from the GIN index instead: a word in at least 1 % of them fills a 50-mention page
// there, and a walk costs far less per row than a match taken from the index (rows stored in time order, read
// together). bench:api, 1M mentions.
export const SEARCH_WALK_ROWS = 5_000;

/**
 * The bounds between the time ranges in which a full-text page takes its matches from the GIN index, newest first: the
 * starts (UTC) of this month and of the two months before it. The ranges are the time from the first bound on, between
 * each bound and the one before it, and before the last: every time falls in exactly one, so the bounds change what a
 * page reads, never what it holds. Months, because each month is a partition with its own GIN index, left out of a
 * range's scan when the statement starts. Expressions of now(), not parameters: a generic plan estimates them from the
 * statistics (PostgreSQL computes stable functions to estimate), where bounds it knows nothing of looked like a narrow
 * range worth ANDing the time index with the GIN index for (166,665 index entries read for a month's 166 matches, 1M).
 */
const MATCH_RANGE_BOUNDS = [0, 1, 2].map((back) => `date_trunc('month', now(), 'UTC') - interval '${back} months'`);

/**
 * A full-text page, in one statement and never more work than the cheaper of two ways, whatever PostgreSQL guesses
 * of a word (it has no statistics for rare words or typos and took them for common ones, walking all history):
 * first the newest SEARCH_WALK_ROWS mentions (of the brand or story asked for: through their links) are walked by
 * time, which fills the page when the words are common;
 * only when they do not (each later step is gated on it, so it is not run otherwise) are the matches taken from the
 * GIN index, a range of time at a time newest first (MATCH_RANGE_BOUNDS), each range only while the ranges before it have not
 * filled the page: a rare word's page reads its newest month's matches, not every match of the word in all history
 * (bench:api at 10M, q=boycott: 10,307 matches). The brand or story asked for is checked on a range's matches newest
 * first, as the LIMIT pulls them (OFFSET 0 keeps the check out of the sorted matches): a page of acme's takes 51 of its
 * matches from about 80 checked instead of checking each of them.
 * Either way the page's keys are sorted and limited first, and just those rows are then joined to their columns and
 * brands. `match` is the tsquery as a scalar subquery (an InitPlan: computed once, and a key the GIN index can take at
 * run time), so that the statement runs on a generic plan.
 */
function pageOfMatches(query: {
  /** What is walked by time: all mentions, or the links of the brand or story asked for. */
  walk: Pick<MentionFilterSql, 'from' | 'conditions' | 'timeColumn' | 'idColumn' | 'order'>;
  /** The filter's conditions on the mention's own columns as a walk by time states them (`m` is the mention). */
  ownConditions: readonly string[];
  /** Its conditions that look up the mention's links (mentionFilterSql). */
  linkConditions: readonly string[];
  match: string;
  pageRows: string;
  /** The bounds between the ranges, newest first (MATCH_RANGE_BOUNDS). */
  rangeBounds: readonly string[];
}): string {
  const { walk, ownConditions, linkConditions, match, pageRows, rangeBounds } = query;
  const walkWhere = walk.conditions.length > 0 ? `WHERE ${walk.conditions.join(' AND ')}` : '';
  const linkWhere = linkConditions.length > 0 ? `WHERE ${linkConditions.join(' AND ')}` : '';
  const walkedShort = `(SELECT count(*) FROM walked) < ${pageRows}`;
  const ranges = Array.from({ length: rangeBounds.length + 1 }, (_, at) => {
    const within = [
      ...(at < rangeBounds.length ? [`m.occurred_at >= ${rangeBounds[at]}`] : []),
      ...(at > 0 ? [`m.occurred_at < ${rangeBounds[at - 1]}`] : []),
    ];
    const before = Array.from({ length: at }, (_, earlier) => `(SELECT count(*) FROM range${earlier})`);
    const gate = [walkedShort, ...(at > 0 ? [`${before.join(' + ')} < ${pageRows}`] : [])];
    // The matches are a subquery of their own (OFFSET 0), planned to be read whole: asked for in time order under the
    // page's LIMIT, a generic plan (which takes any word for a common one) walked a month's time index instead of its
    // GIN index, every row of the month for a word with no match there.
    return `range${at} AS MATERIALIZED (
      SELECT m.id, m.occurred_at FROM (
        SELECT r.id, r.occurred_at FROM (
          SELECT m.id, m.occurred_at FROM mentions m WHERE ${[...ownConditions, `m.search @@ ${match}`, ...within, ...gate].join(' AND ')} OFFSET 0) r
        ORDER BY r.occurred_at DESC, r.id DESC OFFSET 0) m
      ${linkWhere} ORDER BY m.occurred_at DESC, m.id DESC LIMIT ${pageRows})`;
  });
  return `WITH walked AS MATERIALIZED (
      SELECT w.id, w.occurred_at FROM (
        SELECT ${walk.idColumn} AS id, ${walk.timeColumn} AS occurred_at, m.search FROM ${walk.from} ${walkWhere}
        ORDER BY ${walk.order} LIMIT ${SEARCH_WALK_ROWS}) w
      WHERE w.search @@ ${match} ORDER BY w.occurred_at DESC, w.id DESC LIMIT ${pageRows}),
    ${ranges.join(',\n    ')},
    page AS (
      SELECT id, occurred_at FROM walked WHERE (SELECT count(*) FROM walked) = ${pageRows}
      UNION ALL
      (SELECT id, occurred_at FROM (${ranges.map((_, at) => `SELECT id, occurred_at FROM range${at}`).join(' UNION ALL ')}) r
        ORDER BY occurred_at DESC, id DESC LIMIT ${pageRows}))
    SELECT ${MENTION_COLUMNS} FROM page p JOIN mentions m ON m.id = p.id AND m.occurred_at = p.occurred_at
    ORDER BY p.occurred_at DESC, p.id DESC`;
}

export async function findMention(database: Database, mentionId: string): Promise<StoredMention | null> {
  const rows = await queryMentionRows(database, `SELECT ${MENTION_COLUMNS} FROM mentions m WHERE m.id = $1`, [mentionId]);
  return rows[0] ? toStoredMention(rows[0]) : null;
}

/** The mentions with these ids, in one statement (those not stored are left out), in no particular order. */
export async function findMentions(database: Database, mentionIds: readonly string[]): Promise<StoredMention[]> {
  if (mentionIds.length === 0) return [];
  const rows = await queryMentionRows(database, `SELECT ${MENTION_COLUMNS} FROM mentions m WHERE m.id = ANY($1::text[])`, [[...new Set(mentionIds)]]);
  return rows.map(toStoredMention);
}
