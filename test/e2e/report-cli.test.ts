// `buzzwatch report`: the monthly report from the stored mentions on stdout, as Markdown, HTML or JSON.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-process.js';
import { reportMonthsMentions } from '../helpers/report-months.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';
import { storeMentions } from '../helpers/stored-mentions.js';

// Each case runs the CLI as fresh node processes: on a loaded machine a start alone can take 20 s.
describe('buzzwatch report', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let directory: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    await storeMentions(db.database, reportMonthsMentions());
    directory = mkdtempSync(join(tmpdir(), 'buzzwatch-report-'));
    const configFile = join(directory, 'buzzwatch.yaml');
    writeFileSync(
      configFile,
      `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme], competitors: [globex] }
  - { id: globex, name: Globex, keywords: [globex] }
reports:
  timezone: Europe/Warsaw
`,
    );
    env = { BUZZWATCH_CONFIG: configFile, DATABASE_URL: db.url };
  });

  afterAll(async () => {
    await db.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('prints Markdown that leads with the flags', async () => {
    const run = await runCli(['report', '--brand', 'acme', '--month', '2026-11', '--format', 'md'], env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('# Acme Corp: November 2026');
    expect(lines[2]).toBe('- **Mentions fell 60 % (100 → 40) against October — significant**');
    expect(run.stdout).toContain('| Mentions | 40 | 100 | −60 % | 100 | significant down (p = ');
  });

  it('prints the same JSON as the API, and a self-contained page', async () => {
    const json = await runCli(['report', '--brand', 'acme', '--month', '2026-11'], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).figures.mentions).toMatchObject({ value: 40, previous: 100, significant: true, direction: 'down' });
    const html = await runCli(['report', '--brand', 'acme', '--month', '2026-11', '--format', 'html', '--tz', 'UTC'], env);
    expect(html.code).toBe(0);
    expect(html.stdout).toMatch(/^<!DOCTYPE html>/);
    expect(html.stdout).toContain('Monthly report · UTC');
  });

  it('exits 2 on usage errors and 1 on an unknown brand', async () => {
    const [noBrand, badFormat, unknown] = await Promise.all([
      runCli(['report', '--month', '2026-11'], env),
      runCli(['report', '--brand', 'acme', '--format', 'pdf'], env),
      runCli(['report', '--brand', 'nope', '--month', '2026-11'], env),
    ]);
    expect(noBrand.code).toBe(2);
    expect(noBrand.stderr).toContain('report needs --brand ID');
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('--format pdf: use json, html or md');
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toBe('brand "nope" is not configured (known: acme, globex)\n');
  });
});
