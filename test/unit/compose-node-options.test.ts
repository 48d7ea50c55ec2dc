// The api container is started with a larger young generation (fewer scavenges pausing requests); the other roles
// are not, and the api keeps the environment every role shares. bench:api starts its api process from the same line.
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { composeNodeOptions } from '../../bench/compose-node-options.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

describe('docker-compose.yml NODE_OPTIONS', () => {
  it('gives the api role a 32 MB semi-space and no other role any', () => {
    expect(composeNodeOptions(ROOT, 'api')).toBe('--max-semi-space-size=32');
    for (const role of ['poller', 'scorer', 'alerter']) expect(composeNodeOptions(ROOT, role)).toBe('');
  });

  it('keeps the shared environment in the api service', () => {
    const compose = parse(readFileSync(resolve(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
      services: Record<string, { environment: Record<string, string> }>;
    };
    const { NODE_OPTIONS, ...shared } = compose.services.api!.environment;
    expect(NODE_OPTIONS).toBeDefined();
    expect(shared).toEqual(compose.services.poller!.environment);
  });
});
