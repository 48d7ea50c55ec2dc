// Reads buzzwatch.yaml: YAML → ${ENV} interpolation → schema (with each source checked by its kind) → cross-references.
import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { parseDocument } from 'yaml';
import { knownChannelTypes, notifierKindFor } from '../alerts/notifiers/registry.js';
import type { ChannelConfig } from '../alerts/notifiers/notifier.js';
import { decodeRules } from '../alerts/rule-config.js';
import { digestsProblems } from '../analytics/digests/digest-config.js';
import { compilePhrase } from '../mentions/brand-matcher.js';
import { parseQuery, QuerySyntaxError } from '../mentions/brand-query.js';
import { knownSourceTypes, sourceKindFor } from '../sources/registry.js';
import { MAX_BODY_SIZE_CEILING, MIN_POLL_INTERVAL, type SourceConfig } from '../sources/source-config.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { interpolateEnv } from './interpolate.js';
import { alertsProblems } from './alerts-problems.js';
import { schemaProblems } from './schema-problems.js';
import { Id } from './schema-types.js';
import {
  ConfigSchema,
  MIN_CHECK_SCHEDULES_EVERY,
  MIN_HTTP_TIMEOUT,
  MIN_QUERY_TIMEOUT,
  MIN_MENTION_RETENTION,
  MIN_REQUEST_TIMEOUT,
  MIN_STREAM_HEARTBEAT,
  MIN_STREAM_TOKEN_TTL,
  MIN_STALLED_AFTER,
  MAX_TIMER_DURATION,
  type Config,
} from './schema.js';
import { parseByteSize } from './byte-size.js';
import { isDuration, parseDuration } from './duration.js';

export function loadConfigFile(file: string, env: Record<string, string | undefined> = process.env): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError(file, [{ path: '', message: `cannot read the config file: ${reason}` }]);
  }
  return parseConfig(text, env, file);
}

export function parseConfig(yamlText: string, env: Record<string, string | undefined>, file = 'config'): Config {
  const document = parseDocument(yamlText, { uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    // Later YAML errors are usually the first one cascading; the first one (with its position) is what to fix.
    const [error] = document.errors;
    const reason = (error?.message ?? 'unreadable').split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '');
    const position = error?.linePos?.[0];
    const where = position ? ` at line ${position.line}, column ${position.col}` : '';
    throw new ConfigError(file, [{ path: '', message: `invalid YAML${where}: ${reason}` }]);
  }
  const problems: ConfigProblem[] = [];
  const raw = interpolateEnv(document.toJS() ?? {}, env, problems);
  const config = validateConfig(raw, problems);
  if (problems.length > 0 || config === null) {
    throw new ConfigError(file, problems.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true })));
  }
  return config;
}

function validateConfig(raw: unknown, problems: ConfigProblem[]): Config | null {
  // Convert turns strings from ${VAR} into the numbers and booleans the schema expects.
  const withDefaults = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, structuredClone(raw)));
  const reported = new Set(problems.map((problem) => problem.path));
  const addProblems = (found: ConfigProblem[]) => {
    for (const problem of found) {
      if (!reported.has(problem.path)) problems.push(problem);
      reported.add(problem.path);
    }
  };
  addProblems(schemaProblems(ConfigSchema, withDefaults));
  const rawSources = (withDefaults as { sources?: unknown }).sources;
  const sources = Array.isArray(rawSources) ? decodeSources(rawSources, addProblems) : [];
  const rawChannels = (withDefaults as { alerts?: { channels?: unknown } }).alerts?.channels;
  const channels = Array.isArray(rawChannels) ? decodeChannels(rawChannels, addProblems) : [];
  const rawRules = (withDefaults as { alerts?: { rules?: unknown } }).alerts?.rules;
  const rules = Array.isArray(rawRules) ? decodeRules(rawRules, addProblems) : [];
  addProblems(crossReferenceProblems(withDefaults));
  if (problems.length > 0) return null;
  const decoded = Value.Decode(ConfigSchema, withDefaults);
  return { ...decoded, sources, alerts: { ...decoded.alerts, channels, rules } };
}

function decodeChannels(entries: unknown[], addProblems: (found: ConfigProblem[]) => void): ChannelConfig[] {
  const channels: ChannelConfig[] = [];
  entries.forEach((entry, index) => {
    const path = `alerts.channels[${index}]`;
    const type = (entry as { type?: unknown } | null)?.type;
    if (typeof type !== 'string') return;
    const kind = notifierKindFor(type);
    if (kind === undefined) {
      addProblems([{ path: `${path}.type`, message: `unknown channel type "${type}" (known: ${knownChannelTypes.join(', ')})` }]);
      return;
    }
    const withDefaults = Value.Default(kind.configSchema, Value.Convert(kind.configSchema, entry));
    const found = schemaProblems(kind.configSchema, withDefaults, path);
    if (found.length > 0) addProblems(found);
    else channels.push(Value.Decode(kind.configSchema, withDefaults) as ChannelConfig);
  });
  return channels;
}

function decodeSources(entries: unknown[], addProblems: (found: ConfigProblem[]) => void): SourceConfig[] {
  const sources: SourceConfig[] = [];
  entries.forEach((entry, index) => {
    const path = `sources[${index}]`;
    const type = (entry as { type?: unknown } | null)?.type;
    if (typeof type !== 'string') return;
    const kind = sourceKindFor(type);
    if (kind === undefined) {
      addProblems([{ path: `${path}.type`, message: `unknown source type "${type}" (known: ${knownSourceTypes.join(', ')})` }]);
      return;
    }
    const withDefaults = Value.Default(kind.configSchema, Value.Convert(kind.configSchema, entry));
    const found = schemaProblems(kind.configSchema, withDefaults, path);
    if (found.length > 0) addProblems(found);
    else sources.push(Value.Decode(kind.configSchema, withDefaults) as SourceConfig);
  });
  return sources;
}

type Entry = Record<string, unknown>;

const ID_PATTERN = new RegExp(Id().pattern as string);

/** The objects in `document[field]` (others are schema problems, reported elsewhere). */
function entriesAt(document: unknown, field: string): Entry[] {
  const list = (document as Entry | null)?.[field];
  return Array.isArray(list) ? list.map((item) => (item !== null && typeof item === 'object' ? (item as Entry) : {})) : [];
}

function stringsAt(entry: Entry, field: string): string[] {
  const list = entry[field];
  return Array.isArray(list) ? list.map((item) => (typeof item === 'string' ? item : '')) : [];
}

const stringAt = (entry: Entry, field: string) => (typeof entry[field] === 'string' ? (entry[field] as string) : null);

// Runs on the document before decoding so that these problems are reported together with schema problems;
// malformed fields are skipped here (the schema check reports them).
function crossReferenceProblems(document: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const brands = entriesAt(document, 'brands');
  const sources = entriesAt(document, 'sources');
  const keys = entriesAt((document as Entry | null)?.api, 'keys');
  const brandIds = new Set(brands.map((brand) => stringAt(brand, 'id')).filter((id) => id !== null && ID_PATTERN.test(id)));
  const brandList = [...brandIds].join(', ');
  problems.push(...duplicateProblems(brands.map((brand) => stringAt(brand, 'id')), 'brands', 'id'));
  problems.push(...duplicateProblems(sources.map((source) => stringAt(source, 'id')), 'sources', 'id'));
  problems.push(...duplicateProblems(keys.map((key) => stringAt(key, 'name')), 'api.keys', 'name'));
  problems.push(...duplicateProblems(keys.map((key) => stringAt(key, 'key')), 'api.keys', 'key'));
  brands.forEach((brand, index) => {
    for (const field of ['keywords', 'exclude']) {
      stringsAt(brand, field).forEach((phrase, phraseIndex) => {
        if (phrase === '') return;
        try {
          compilePhrase(phrase);
        } catch (error) {
          problems.push({ path: `brands[${index}].${field}[${phraseIndex}]`, message: (error as Error).message });
        }
      });
    }
    problems.push(...brandMatchingProblems(brand, index));
    stringsAt(brand, 'competitors').forEach((competitor, competitorIndex) => {
      const path = `brands[${index}].competitors[${competitorIndex}]`;
      if (competitor === '') return;
      if (competitor === stringAt(brand, 'id')) problems.push({ path, message: 'a brand cannot be its own competitor' });
      else if (!brandIds.has(competitor)) {
        problems.push({ path, message: `"${competitor}" is not a brand id (known: ${brandList})` });
      }
    });
  });
  problems.push(
    ...durationFloorProblems([
      ...sources.map((source, index) => {
        const kindMinimum = sourceKindFor(stringAt(source, 'type') ?? '')?.minEvery;
        return [`sources[${index}].every`, source.every, kindMinimum ?? MIN_POLL_INTERVAL] as const;
      }),
      ['http.timeout', ((document as Entry | null)?.http as Entry | undefined)?.timeout, MIN_HTTP_TIMEOUT],
      ['queue.stalled_after', ((document as Entry | null)?.queue as Entry | undefined)?.stalled_after, MIN_STALLED_AFTER],
      ['api.request_timeout', ((document as Entry | null)?.api as Entry | undefined)?.request_timeout, MIN_REQUEST_TIMEOUT],
      ['queue.check_schedules_every', ((document as Entry | null)?.queue as Entry | undefined)?.check_schedules_every, MIN_CHECK_SCHEDULES_EVERY],
      ['api.query_timeout', ((document as Entry | null)?.api as Entry | undefined)?.query_timeout, MIN_QUERY_TIMEOUT],
      ['api.stream_token_ttl', ((document as Entry | null)?.api as Entry | undefined)?.stream_token_ttl, MIN_STREAM_TOKEN_TTL],
      ['api.stream_heartbeat', ((document as Entry | null)?.api as Entry | undefined)?.stream_heartbeat, MIN_STREAM_HEARTBEAT],
      ['retention.mentions', ((document as Entry | null)?.retention as Entry | undefined)?.mentions, MIN_MENTION_RETENTION],
    ]),
  );
  problems.push(
    ...durationCeilingProblems(
      [
        ['http.timeout', ((document as Entry | null)?.http as Entry | undefined)?.timeout],
        ['queue.stalled_after', ((document as Entry | null)?.queue as Entry | undefined)?.stalled_after],
        ['api.request_timeout', ((document as Entry | null)?.api as Entry | undefined)?.request_timeout],
        ['queue.check_schedules_every', ((document as Entry | null)?.queue as Entry | undefined)?.check_schedules_every],
        ['api.query_timeout', ((document as Entry | null)?.api as Entry | undefined)?.query_timeout],
        ['api.stream_heartbeat', ((document as Entry | null)?.api as Entry | undefined)?.stream_heartbeat],
        ...entriesAt((document as Entry | null)?.alerts, 'channels').map((channel, index) => [`alerts.channels[${index}].timeout`, channel.timeout] as const),
      ],
      MAX_TIMER_DURATION,
    ),
  );
  problems.push(...sizeCeilingProblems(sources.map((source, index) => [`sources[${index}].max_body_size`, source.max_body_size] as const), MAX_BODY_SIZE_CEILING));
  problems.push(
    ...alertsProblems((document as Entry | null)?.alerts, {
      brands: brandIds as Set<string>,
      sources: new Set(sources.map((source) => stringAt(source, 'id')).filter((id) => id !== null)),
    }),
  );
  const channels = entriesAt((document as Entry | null)?.alerts, 'channels');
  problems.push(
    ...digestsProblems((document as Entry | null)?.digests, {
      brands: brandIds as Set<string>,
      channels: new Set(channels.map((channel) => stringAt(channel, 'id')).filter((id) => id !== null)),
    }),
  );
  sources.forEach((source, index) => {
    stringsAt(source, 'brands').forEach((brandId, brandIndex) => {
      if (brandId !== '' && !brandIds.has(brandId)) {
        problems.push({ path: `sources[${index}].brands[${brandIndex}]`, message: `"${brandId}" is not a brand id (known: ${brandList})` });
      }
    });
  });
  return problems;
}

/** A brand matches by `keywords` (with `exclude`) or by a `query`, never both; a query must parse. */
function brandMatchingProblems(brand: Entry, index: number): ConfigProblem[] {
  const path = `brands[${index}]`;
  const id = stringAt(brand, 'id');
  const named = (message: string) => (id === null ? message : `brand "${id}": ${message}`);
  const hasKeywords = brand.keywords !== undefined;
  if (brand.query === undefined) {
    return hasKeywords ? [] : [{ path: `${path}.keywords`, message: named('needs keywords or a query') }];
  }
  if (hasKeywords) return [{ path: `${path}.query`, message: named('give keywords or a query, not both') }];
  const problems: ConfigProblem[] = [];
  if (stringsAt(brand, 'exclude').length > 0) {
    problems.push({ path: `${path}.exclude`, message: named('exclude goes with keywords; with a query, use NOT or -term') });
  }
  const query = stringAt(brand, 'query');
  if (query === null || query === '') return problems; // the schema check reports these
  try {
    parseQuery(query);
  } catch (error) {
    if (!(error instanceof QuerySyntaxError)) throw error;
    problems.push({ path: `${path}.query`, message: named(error.message) });
  }
  return problems;
}

/** Durations below their minimum (malformed ones are schema problems, reported elsewhere). */
function durationFloorProblems(checks: ReadonlyArray<readonly [path: string, value: unknown, minimum: string]>): ConfigProblem[] {
  return checks
    .filter(([, value, minimum]) => typeof value === 'string' && isDuration(value) && parseDuration(value) < parseDuration(minimum))
    .map(([path, value, minimum]) => ({ path, message: `${JSON.stringify(value)} is too short (at least ${minimum})` }));
}

/** Sizes above their maximum (malformed ones are schema problems, reported elsewhere). */
function sizeCeilingProblems(checks: ReadonlyArray<readonly [path: string, value: unknown]>, maximum: string): ConfigProblem[] {
  const ceiling = parseByteSize(maximum) ?? 0;
  return checks
    .filter(([, value]) => typeof value === 'string' && (parseByteSize(value) ?? 0) > ceiling)
    .map(([path, value]) => ({ path, message: `${JSON.stringify(value)} is too large (at most ${maximum})` }));
}

/** Durations above their maximum (those that run as timers: see MAX_TIMER_DURATION). */
function durationCeilingProblems(checks: ReadonlyArray<readonly [path: string, value: unknown]>, maximum: string): ConfigProblem[] {
  return checks
    .filter(([, value]) => typeof value === 'string' && isDuration(value) && parseDuration(value) > parseDuration(maximum))
    .map(([path, value]) => ({ path, message: `${JSON.stringify(value)} is too long (at most ${maximum})` }));
}

function duplicateProblems(values: Array<string | null>, listPath: string, field: string): ConfigProblem[] {
  const firstIndex = new Map<string, number>();
  const problems: ConfigProblem[] = [];
  values.forEach((value, index) => {
    if (value === null || value === '') return;
    const earlier = firstIndex.get(value);
    if (earlier === undefined) firstIndex.set(value, index);
    else {
      const shown = field === 'key' ? 'the same key' : `"${value}"`;
      problems.push({ path: `${listPath}[${index}].${field}`, message: `${shown} is already used by ${listPath}[${earlier}]` });
    }
  });
  return problems;
}
