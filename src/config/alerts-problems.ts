// Checks on the `alerts:` section that a schema cannot express: references to brands, sources, channels and rules,
// and duration floors (the keys each rule type reads are checked by decodeRules, against the type's schema). Runs on the
// raw document; malformed fields are schema problems.
import { MIN_ALERT_BUCKET, MIN_ALERT_TICK } from '../alerts/rule-config.js';
import { knownRuleTypes } from '../alerts/rules/registry.js';
import { compilePhrase } from '../mentions/brand-matcher.js';
import type { ConfigProblem } from './config-error.js';
import { isDuration, parseDuration } from './duration.js';

type Entry = Record<string, unknown>;

const asEntry = (value: unknown): Entry => (value !== null && typeof value === 'object' ? (value as Entry) : {});
const entries = (value: unknown): Entry[] => (Array.isArray(value) ? value.map(asEntry) : []);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item) => typeof item === 'string') : []);
const durationMs = (value: unknown): number | null =>
  typeof value === 'string' && isDuration(value) ? parseDuration(value) : null;

export interface KnownIds {
  brands: Set<string>;
  sources: Set<string>;
}

export function alertsProblems(alertsSection: unknown, known: KnownIds): ConfigProblem[] {
  const alerts = asEntry(alertsSection);
  const problems: ConfigProblem[] = [];
  const channelIds = new Set(entries(alerts.channels).map((channel) => channel.id).filter((id) => typeof id === 'string'));
  const bucketMs = durationMs(alerts.bucket ?? '5m');
  for (const [path, minimum] of [['tick', MIN_ALERT_TICK], ['bucket', MIN_ALERT_BUCKET]] as const) {
    const value = durationMs(alerts[path]);
    if (value !== null && value < parseDuration(minimum)) {
      problems.push({ path: `alerts.${path}`, message: `${JSON.stringify(alerts[path])} is too short (at least ${minimum})` });
    }
  }
  problems.push(...duplicateIds(entries(alerts.rules), 'alerts.rules'), ...duplicateIds(entries(alerts.channels), 'alerts.channels'));
  entries(alerts.rules).forEach((rule, index) => {
    problems.push(...ruleProblems(rule, `alerts.rules[${index}]`, { ...known, channels: channelIds }, bucketMs));
  });
  const groupBy = strings(alerts.group_by);
  if (Array.isArray(alerts.group_by) && groupBy.length > 0 && !groupBy.includes('brand')) {
    problems.push({ path: 'alerts.group_by', message: 'must include brand: an alert is always about one brand' });
  }
  const ruleNames = new Set([...knownRuleTypes, ...entries(alerts.rules).map((rule) => rule.id).filter((id) => typeof id === 'string')]);
  entries(alerts.inhibit).forEach((entry, index) => {
    for (const side of ['source', 'target'] as const) {
      strings(entry[side]).forEach((name, nameIndex) => {
        if (name !== '' && !ruleNames.has(name)) {
          problems.push({
            path: `alerts.inhibit[${index}].${side}[${nameIndex}]`,
            message: `"${name}" is neither a rule type (${knownRuleTypes.join(', ')}) nor a rule id`,
          });
        }
      });
    }
  });
  return problems;
}

function ruleProblems(
  rule: Entry,
  path: string,
  known: KnownIds & { channels: Set<unknown> },
  bucketMs: number | null,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const references = [
    ['brands', known.brands, 'brand'],
    ['sources', known.sources, 'source'],
    ['channels', known.channels, 'channel'],
  ] as const;
  for (const [field, ids, noun] of references) {
    strings(rule[field]).forEach((id, index) => {
      if (id !== '' && !ids.has(id)) {
        const list = [...ids].join(', ') || 'none';
        problems.push({ path: `${path}.${field}[${index}]`, message: `"${id}" is not a ${noun} id (known: ${list})` });
      }
    });
  }
  const windowMs = durationMs(rule.window ?? '1h');
  if (windowMs !== null && bucketMs !== null && windowMs < bucketMs) {
    problems.push({ path: `${path}.window`, message: `${JSON.stringify(rule.window)} is shorter than alerts.bucket; use at least one bucket` });
  }
  strings(rule.terms).forEach((term, index) => {
    if (term === '') return;
    try {
      compilePhrase(term);
    } catch (error) {
      problems.push({ path: `${path}.terms[${index}]`, message: (error as Error).message });
    }
  });
  return problems;
}

function duplicateIds(list: Entry[], listPath: string): ConfigProblem[] {
  const firstIndex = new Map<string, number>();
  const problems: ConfigProblem[] = [];
  list.forEach((entry, index) => {
    if (typeof entry.id !== 'string' || entry.id === '') return;
    const earlier = firstIndex.get(entry.id);
    if (earlier === undefined) firstIndex.set(entry.id, index);
    else problems.push({ path: `${listPath}[${index}].id`, message: `"${entry.id}" is already used by ${listPath}[${earlier}]` });
  });
  return problems;
}
