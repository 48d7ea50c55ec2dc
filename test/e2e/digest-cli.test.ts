// `buzzwatch digest`: a configured digest built from the stored mentions, printed (--dry-run) or sent to its
// channels now without being recorded, so the scheduled digest of the period still goes out.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-process.js';
import { startFixtureServer, type FixtureServer } from '../helpers/http-fixture-server.js';
import { reportMonthsMentions } from '../helpers/report-months.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';
import { storeMentions } from '../helpers/stored-mentions.js';

const HOOK_PATH = '/hooks/try';

// Each case runs the CLI as fresh node processes: on a loaded machine a start alone can take 20 s.
describe('buzzwatch digest', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let hook: FixtureServer;
  let directory: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    await storeMentions(db.database, reportMonthsMentions());
    hook = await startFixtureServer();
    hook.route(HOOK_PATH, (_request, response) => void response.writeHead(204).end());
    directory = mkdtempSync(join(tmpdir(), 'buzzwatch-digest-'));
    const configFile = join(directory, 'buzzwatch.yaml');
    writeFileSync(
      configFile,
      `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme], competitors: [globex] }
  - { id: globex, name: Globex, keywords: [globex] }
alerts:
  channels:
    - { id: pr-hook, type: webhook, url: "${hook.baseUrl}${HOOK_PATH}", secret: "try-hook-secret-0123456789" }
reports:
  timezone: Europe/Warsaw
digests:
  - { id: monthly-pr, brands: [acme], every: monthly, channels: [pr-hook] }
`,
    );
    env = { BUZZWATCH_CONFIG: configFile, DATABASE_URL: db.url };
  });

  afterAll(async () => {
    await db.drop();
    await hook.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('prints a period’s digest with --dry-run, leading with the flags, and sends nothing', async () => {
    const run = await runCli(['digest', '--id', 'monthly-pr', '--period', '2026-11', '--dry-run'], env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual(['Monthly digest: Acme Corp — November 2026', '', '* Mentions fell 60 % (100 → 40) against October — significant', '* Reach fell 68 % (14,950 → 4,780) against October — significant']);
    expect(hook.requestsTo(HOOK_PATH)).toHaveLength(0);
  });

  it('sends it to each channel now without recording it', async () => {
    const run = await runCli(['digest', '--id', 'monthly-pr', '--period', '2026-11'], env);
    expect(run).toMatchObject({ code: 0, stdout: 'monthly-pr 2026-11: sent to pr-hook\n', stderr: '' });
    const [request] = hook.requestsTo(HOOK_PATH);
    expect(JSON.parse(request?.body.toString('utf8') ?? 'null').digest.brands[0].flags[0]).toBe('Mentions fell 60 % (100 → 40) against October — significant');
    const { rows } = await db.database.query('SELECT * FROM digest_deliveries');
    expect(rows).toEqual([]);
  });

  it('exits 1 naming an unknown digest or a period of the wrong kind', async () => {
    const [unknown, badPeriod] = await Promise.all([
      runCli(['digest', '--id', 'weekly-pr', '--dry-run'], env),
      runCli(['digest', '--id', 'monthly-pr', '--period', '2026-11-03', '--dry-run'], env),
    ]);
    expect(unknown).toMatchObject({ code: 1, stderr: 'digest "weekly-pr" is not configured (known: monthly-pr)\n' });
    expect(badPeriod).toMatchObject({ code: 1, stderr: '--period 2026-11-03: a monthly digest takes a month such as 2026-11\n' });
  });
});
