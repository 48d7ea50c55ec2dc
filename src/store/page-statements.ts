// Names for the API's page statements, so that PostgreSQL parses and plans each statement once per connection and
// then reuses its plan (pg prepares a named statement on a connection the first time it is sent there and binds it
// afterwards). Planning was about half of a cheap page's time in the database: a monthly-partitioned table makes the
// planner prune partitions and weigh every partition's indexes again on each page (bench:api, docs/benchmarks.md).
import { createHash } from 'node:crypto';

/**
 * How many page statements a pool names, at most; any other is sent unnamed, planned each time as before. A
 * connection keeps each statement prepared on it (with its plans) until it closes, so this bounds what a connection
 * holds. The texts are built from a filter's shape alone (which filters are present, never their values, which are
 * bind parameters), so there are finitely many of them: at most 2^9 for the pages named (brand, source, sentiment,
 * lang, since, until, cursor, include_backfill and a full-text query each present or not), far more than the few dozen
 * clients send.
 */
export const MAX_NAMED_PAGE_STATEMENTS = 64;

/** The names given by each pool (or by anything else a query goes through), by statement text. */
const namesByPool = new WeakMap<object, Map<string, string>>();

/**
 * The name under which `text` is prepared on the connections of `pool`, or undefined once the pool has named
 * MAX_NAMED_PAGE_STATEMENTS other texts. The name is a hash of the text: one text, one name, so pg never sees one
 * name with two texts (which it refuses).
 */
export function pageStatementName(pool: object, text: string): string | undefined {
  let names = namesByPool.get(pool);
  if (names === undefined) {
    names = new Map();
    namesByPool.set(pool, names);
  }
  const known = names.get(text);
  if (known !== undefined) return known;
  if (names.size >= MAX_NAMED_PAGE_STATEMENTS) return undefined;
  const name = `bw_page_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
  names.set(text, name);
  return name;
}
