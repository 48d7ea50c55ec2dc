// The `digests:` config section: which brands' summaries go to which alert channels, how often and when; and the
// checks a schema cannot express (brands and channels that exist, ids used once).
import { Type } from '@sinclair/typebox';
import type { ConfigProblem } from '../../config/config-error.js';
import { Id } from '../../config/schema-types.js';
import { TimeZoneName } from '../reports-config.js';
import { knownDigestPeriods } from './periods/registry.js';

export const DigestSchema = Type.Object(
  {
    id: Id(),
    brands: Type.Array(Id(), { minItems: 1, errorMessage: 'needs at least one brand id' }),
    every: Type.Union(
      knownDigestPeriods.map((every) => Type.Literal(every)),
      { errorMessage: `{value} is not a digest period (use ${knownDigestPeriods.join(', ')})` },
    ),
    // Local time in `tz` on the day a period ends (the next day, the Monday, the 1st) when its digest is sent.
    at: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', default: '09:00', errorMessage: '{value} is not a time of day (use HH:MM, e.g. 09:00)' }),
    // Days, weeks and months of the digest begin at midnight here; default reports.timezone.
    tz: Type.Optional(TimeZoneName()),
    channels: Type.Array(Id(), { minItems: 1, errorMessage: 'needs at least one channel id (of alerts.channels)' }),
  },
  { additionalProperties: false },
);

export const DigestsSchema = Type.Array(DigestSchema, { default: [] });

type Entry = Record<string, unknown>;

const entries = (value: unknown): Entry[] =>
  Array.isArray(value) ? value.map((item) => (item !== null && typeof item === 'object' ? (item as Entry) : {})) : [];
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map((item) => (typeof item === 'string' ? item : '')) : []);

/** Brands and channels a digest names must be configured; ids are used once. Malformed fields are schema problems. */
export function digestsProblems(digestsSection: unknown, known: { brands: ReadonlySet<string>; channels: ReadonlySet<string> }): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const firstIndex = new Map<string, number>();
  entries(digestsSection).forEach((digest, index) => {
    const path = `digests[${index}]`;
    if (typeof digest.id === 'string' && digest.id !== '') {
      const earlier = firstIndex.get(digest.id);
      if (earlier === undefined) firstIndex.set(digest.id, index);
      else problems.push({ path: `${path}.id`, message: `"${digest.id}" is already used by digests[${earlier}]` });
    }
    for (const [field, ids, noun] of [
      ['brands', known.brands, 'brand'],
      ['channels', known.channels, 'channel'],
    ] as const) {
      strings(digest[field]).forEach((id, idIndex) => {
        if (id !== '' && !ids.has(id)) {
          const list = [...ids].join(', ') || 'none';
          problems.push({ path: `${path}.${field}[${idIndex}]`, message: `"${id}" is not a ${noun} id (known: ${list})` });
        }
      });
    }
  });
  return problems;
}
