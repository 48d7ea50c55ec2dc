import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generalUsage } from './usage.js';

/** The variables of the README's "Environment variables" table, in its order. */
function readmeVariables(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split('### Environment variables')[1]?.split('\n## ')[0] ?? '';
  return [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((match) => match[1] as string);
}

describe('the general usage', () => {
  it('names every environment variable the README documents (DATABASE_READ_URL, HEALTH_PORT, LOG_REPEAT_WINDOW were missing)', () => {
    const variables = readmeVariables();
    expect(variables.length).toBeGreaterThanOrEqual(10);
    const environment = generalUsage([]).split('environment: ')[1] ?? '';
    expect(environment.split(/[,\s]+/).filter(Boolean)).toEqual(variables);
  });
});
