// `buzzwatch check-config` and a bad config at `start`: every problem printed with its key path, exit 1, nothing run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllCliProcesses, runCli, type CliExit } from '../helpers/cli-process.js';
import { TEST_DATABASE_ADMIN_URL, TEST_REDIS_URL, uniqueName } from '../helpers/services.js';

const VALID_CONFIG = `
brands:
  - id: acme
    name: Acme Corp
    keywords: ["acme", "#acme"]
sources:
  - { id: tech-news, type: rss, url: "https://news.example/feed.xml", every: 5m }
  - { id: blog, type: rss, url: "\${BLOG_FEED_URL:-https://blog.example/atom.xml}", every: 1h, brands: [acme] }
api:
  keys:
    - { name: ops, key: "\${OPS_API_KEY}", scope: admin }
`;

// Three mistakes: an unknown key (sources[0]), a bad duration (sources[2]) and an unknown type (sources[3]).
const THREE_MISTAKES = `
brands:
  - id: acme
    name: Acme Corp
    keywords: ["acme"]
sources:
  - { id: tech-news, type: rss, url: "https://news.example/feed.xml", every: 5m, colour: red }
  - { id: blog, type: rss, url: "https://blog.example/atom.xml", every: 1h }
  - { id: forum, type: rss, url: "https://forum.example/rss", every: "5 minutes" }
  - { id: tweets, type: twitter, url: "https://twitter.example/acme" }
`;

// A wrong value at six union-typed keys of the config (a few literals, or literals and a number): each is named with
// the values it takes, never TypeBox's "expected union value".
const UNION_MISTAKES = `
brands:
  - { id: acme, name: Acme Corp, keywords: ["acme"] }
api:
  keys:
    - { name: ops, key: "ops-key-0123456789abcdef", scope: root }
alerts:
  group_by: [brand, site]
  rules:
    - { id: spike, type: volume_spik, channels: [pr] }
    - { id: calm, type: volume_spike, sensitivity: extreme, count: words, channels: [pr] }
  channels:
    - { id: pr, type: slack, url: "https://hooks.example/x" }
digests:
  - { id: weekly, brands: [acme], every: fortnightly, channels: [pr] }
`;

const UNION_PROBLEMS = [
  'alerts.group_by[1]: "site" is not a label (use brand or rule)',
  'alerts.rules[0].type: "volume_spik" is not a rule type (use volume_spike, negative_buzz, threshold, keyword, high_reach_negative, silence)',
  'alerts.rules[1].count: "words" is not something a volume rule counts (use mentions or stories)',
  'alerts.rules[1].sensitivity: "extreme" is not a sensitivity (use low, medium or high, or the score itself: −log10 of how likely the rise is under the baseline (low 7, medium 5, high 4; higher alerts less))',
  'api.keys[0].scope: "root" is not a scope (use read, write or admin)',
  'digests[0].every: "fortnightly" is not a digest period (use daily, weekly, monthly)',
];

const MISSING_VARIABLE = `
brands:
  - { id: acme, name: Acme Corp, keywords: ["acme"] }
api:
  keys:
    - { name: strategist, key: "\${STRATEGIST_API_KEY}", scope: read }
`;

const EXPECTED_PROBLEMS = [
  'sources[0].colour: is not a known key (known: id, type, every, brands, expect_every, url, headers, max_body_size)',
  'sources[2].every: "5 minutes" is not a duration (use 30s, 5m, 1h)',
  'sources[3].type: unknown source type "twitter" (known: bluesky, gdelt, google-news, hackernews, mastodon, reddit, rss, stackexchange, webhook)',
];

const OPS_KEY = 'ops-key-0123456789abcdef';

interface Runs {
  threeMistakes: CliExit;
  unionMistakes: CliExit;
  valid: CliExit;
  missingVariable: CliExit;
  defaultFileBad: CliExit;
  defaultFileValid: CliExit;
  missingFile: CliExit;
  startInvalid: CliExit;
}

describe('buzzwatch check-config', { timeout: 120_000 }, () => {
  let directory: string;
  let validFile: string;
  let badFile: string;
  let unionFile: string;
  let missingVariableFile: string;
  let missingFile: string;
  let neverCreatedDatabase: string;
  let neverUsedPrefix: string;
  let runs: Runs;

  // Node processes of the CLI start here: on a loaded machine a start alone can take 20 s.
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'buzzwatch-check-config-'));
    validFile = join(directory, 'valid.yaml');
    badFile = join(directory, 'three-mistakes.yaml');
    unionFile = join(directory, 'union-mistakes.yaml');
    missingVariableFile = join(directory, 'missing-variable.yaml');
    missingFile = join(directory, 'no-such-file.yaml');
    writeFileSync(validFile, VALID_CONFIG);
    writeFileSync(badFile, THREE_MISTAKES);
    writeFileSync(unionFile, UNION_MISTAKES);
    writeFileSync(missingVariableFile, MISSING_VARIABLE);
    neverCreatedDatabase = uniqueName('bwtest_never');
    const databaseUrl = new URL(TEST_DATABASE_ADMIN_URL);
    databaseUrl.pathname = `/${neverCreatedDatabase}`;
    neverUsedPrefix = uniqueName('bwq');

    // The commands are independent, so they run side by side: each one pays the start-up of a fresh node process.
    const [threeMistakes, unionMistakes, valid, missingVariable, defaultFileBad, defaultFileValid, missing, startInvalid] = await Promise.all([
      runCli(['check-config', badFile], {}),
      runCli(['check-config', unionFile], {}),
      runCli(['check-config', validFile], { OPS_API_KEY: OPS_KEY }),
      runCli(['check-config', missingVariableFile], {}),
      runCli(['check-config'], { BUZZWATCH_CONFIG: badFile }),
      runCli(['check-config'], { BUZZWATCH_CONFIG: validFile, OPS_API_KEY: OPS_KEY }),
      runCli(['check-config', missingFile], {}),
      runCli(['start'], {
        BUZZWATCH_CONFIG: badFile,
        DATABASE_URL: databaseUrl.toString(),
        REDIS_URL: TEST_REDIS_URL,
        BUZZWATCH_QUEUE_PREFIX: neverUsedPrefix,
        PORT: '0',
        LOG_LEVEL: 'info',
      }),
    ]);
    runs = { threeMistakes, unionMistakes, valid, missingVariable, defaultFileBad, defaultFileValid, missingFile: missing, startInvalid };
  }, 120_000);

  afterAll(async () => {
    await killAllCliProcesses();
    rmSync(directory, { recursive: true, force: true });
  });

  it('prints all three mistakes of a file, each with its key path, and exits 1', () => {
    expect(runs.threeMistakes.code).toBe(1);
    expect(runs.threeMistakes.stdout).toBe(`${badFile}: 3 problems\n${EXPECTED_PROBLEMS.join('\n')}\n`);
    expect(runs.threeMistakes.stderr).toBe('');
  });

  it('names the values a union-typed key takes when it is given another, and exits 1', () => {
    expect(runs.unionMistakes.code).toBe(1);
    expect(runs.unionMistakes.stdout).toBe(`${unionFile}: 6 problems\n${UNION_PROBLEMS.join('\n')}\n`);
    expect(runs.unionMistakes.stderr).toBe('');
  });

  it('exits 0 on a valid file, with the ${VAR} it needs set', () => {
    expect(runs.valid.code).toBe(0);
    expect(runs.valid.stdout).toBe(`${validFile}: valid (1 brand, 2 sources)\n`);
    expect(runs.valid.stderr).toBe('');
  });

  it('reports a ${VAR} without default that is not set, at the key that uses it', () => {
    expect(runs.missingVariable.code).toBe(1);
    expect(runs.missingVariable.stdout).toBe(
      `${missingVariableFile}: 1 problem\n` +
        'api.keys[0].key: environment variable STRATEGIST_API_KEY is not set (and ${STRATEGIST_API_KEY} has no :-default)\n',
    );
  });

  it('checks $BUZZWATCH_CONFIG when no file is given', () => {
    expect(runs.defaultFileBad.code).toBe(1);
    expect(runs.defaultFileBad.stdout).toBe(`${badFile}: 3 problems\n${EXPECTED_PROBLEMS.join('\n')}\n`);
    expect(runs.defaultFileValid.code).toBe(0);
    expect(runs.defaultFileValid.stdout).toBe(`${validFile}: valid (1 brand, 2 sources)\n`);
  });

  it('exits 1 with a clear message when the file does not exist', () => {
    expect(runs.missingFile.code).toBe(1);
    expect(runs.missingFile.stdout).toBe(`${missingFile}: 1 problem\ncannot read the config file: file not found\n`);
  });

  it('refuses to start with an invalid config: problems on stderr, exit 1, no database created, nothing queued', async () => {
    expect(runs.startInvalid.code).toBe(1);
    expect(runs.startInvalid.stderr).toBe(`${badFile}: invalid configuration\n${EXPECTED_PROBLEMS.join('\n')}\n`);
    expect(runs.startInvalid.stdout).toBe('');

    // It stopped before touching PostgreSQL (start creates a missing database) or Redis (start syncs schedules).
    const admin = new pg.Client({ connectionString: TEST_DATABASE_ADMIN_URL });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [neverCreatedDatabase]);
      expect(rowCount).toBe(0);
    } finally {
      await admin.end();
    }
    const redis = new Redis(TEST_REDIS_URL);
    try {
      expect(await redis.keys(`${neverUsedPrefix}*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
