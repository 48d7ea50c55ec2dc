// `buzzwatch backtest`: the CSV mode prints one row per input row with one alert per episode; the history mode replays
// stored mentions through a configured rule and lists the alerts it would have sent.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mention } from '../../src/mentions/mention.js';
import { inTransaction } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';
import { insertMentions, type ScoredMention } from '../../src/store/mention-store.js';
import { runCli } from '../helpers/cli-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/services.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A reproducible pseudo-random sequence (mulberry32), so the series are the same on every run. */
function randomSequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Poisson draw by inversion; fine for the small means used here. */
function poisson(mean: number, random: () => number): number {
  let count = 0;
  let product = random();
  const limit = Math.exp(-mean);
  while (product > limit) {
    count += 1;
    product *= random();
  }
  return count;
}

const stamp = (timeMs: number) => new Date(timeMs).toISOString().replace('T', ' ').slice(0, 19);

describe('buzzwatch backtest --csv', { timeout: 120_000 }, () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'buzzwatch-backtest-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('prints timestamp,value,score,alert for every row, with one alert for a burst', async () => {
    const random = randomSequence(7);
    const start = Date.UTC(2026, 0, 5);
    const rows: string[] = ['timestamp,value'];
    const burstStart = start + 5 * 24 * HOUR + 14 * HOUR;
    for (let index = 0; index < 7 * 288; index += 1) {
      const time = start + index * 5 * MINUTE;
      const hour = new Date(time).getUTCHours();
      const daily = 20 + 15 * Math.sin(((hour - 6) / 24) * 2 * Math.PI);
      const burst = time >= burstStart && time < burstStart + HOUR ? 150 : 0;
      rows.push(`${stamp(time)},${poisson(daily, random) + burst}`);
    }
    const file = join(directory, 'series.csv');
    writeFileSync(file, `${rows.join('\n')}\n`);
    const run = await runCli(['backtest', '--csv', file], {});
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const output = run.stdout.trimEnd().split('\n');
    expect(output[0]).toBe('timestamp,value,score,alert');
    expect(output).toHaveLength(rows.length);
    const alerts = output.slice(1).filter((line) => line.endsWith(',1'));
    expect(alerts).toHaveLength(1);
    const alertTime = Date.parse(`${alerts[0]?.split(',')[0]?.replace(' ', 'T')}Z`);
    expect(alertTime - burstStart).toBeGreaterThanOrEqual(0);
    expect(alertTime - burstStart).toBeLessThanOrEqual(15 * MINUTE);
    // Every input row is echoed with its own timestamp and value.
    expect(output.slice(1).map((line) => line.split(',').slice(0, 2).join(','))).toEqual(rows.slice(1));
  });

  it('holds a second burst 8 hours after the first by default (12 h cooldown); --cooldown 0 alerts it too', async () => {
    const random = randomSequence(11);
    const start = Date.UTC(2026, 0, 5);
    const rows: string[] = ['timestamp,value'];
    const bursts = [start + 5 * 24 * HOUR + 6 * HOUR, start + 5 * 24 * HOUR + 14 * HOUR];
    for (let index = 0; index < 6 * 288; index += 1) {
      const time = start + index * 5 * MINUTE;
      const burst = bursts.some((from) => time >= from && time < from + HOUR) ? 150 : 0;
      rows.push(`${stamp(time)},${poisson(20, random) + burst}`);
    }
    const file = join(directory, 'two-bursts.csv');
    writeFileSync(file, `${rows.join('\n')}\n`);
    const alertTimes = async (...options: string[]) => {
      const run = await runCli(['backtest', '--csv', file, ...options], {});
      expect(run).toMatchObject({ code: 0, stderr: '' });
      return run.stdout
        .trimEnd()
        .split('\n')
        .filter((line) => line.endsWith(',1'))
        .map((line) => Date.parse(`${line.split(',')[0]?.replace(' ', 'T')}Z`));
    };
    const byDefault = await alertTimes();
    expect(byDefault).toHaveLength(1);
    expect((byDefault[0] ?? 0) - (bursts[0] ?? 0)).toBeLessThanOrEqual(15 * MINUTE);
    const off = await alertTimes('--cooldown', '0');
    expect(off).toHaveLength(2);
    expect(off[0]).toBe(byDefault[0]);
    expect((off[1] ?? 0) - (bursts[1] ?? 0)).toBeGreaterThanOrEqual(0);
    expect((off[1] ?? 0) - (bursts[1] ?? 0)).toBeLessThanOrEqual(15 * MINUTE);
    expect(await alertTimes('--cooldown', '12h')).toEqual(byDefault);
    const bad = await runCli(['backtest', '--csv', file, '--cooldown', 'soon'], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--cooldown soon: not a duration (use 0 for none, 30m, 12h)');
  });

  it('names the line of a bad row and exits 1', async () => {
    const file = join(directory, 'bad.csv');
    writeFileSync(file, 'timestamp,value\n2026-01-05 00:00:00,3\n2026-01-05 00:05:00,many\n');
    const run = await runCli(['backtest', '--csv', file], {});
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^.*bad\.csv: line 3: /);
  });
});

describe('buzzwatch backtest --brand --rule', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let directory: string;
  let configFile: string;
  const now = Date.now();
  const burstStart = now - 2 * 24 * HOUR;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.database);
    directory = mkdtempSync(join(tmpdir(), 'buzzwatch-backtest-'));
    configFile = join(directory, 'buzzwatch.yaml');
    writeFileSync(
      configFile,
      `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
  - { id: globex, name: Globex, keywords: [globex] }
alerts:
  rules:
    - { id: acme-negative-buzz, type: negative_buzz, brands: [acme], window: 1h, channels: [pr-hook] }
  channels:
    - { id: pr-hook, type: webhook, url: "http://127.0.0.1:9/hook", secret: "0123456789abcdef0123" }
`,
    );
    const random = randomSequence(11);
    const mentions: ScoredMention[] = [];
    // Ten days of ordinary talk: about six mentions an hour, one in six negative, from many sites.
    for (let hourStart = now - 10 * 24 * HOUR; hourStart < now; hourStart += HOUR) {
      const count = poisson(6, random);
      for (let index = 0; index < count; index += 1) {
        const negative = random() < 1 / 6;
        mentions.push(storedMention(`base-${hourStart}-${index}`, hourStart + Math.floor(random() * HOUR), negative, `site${index}`));
      }
    }
    // Then 40 negative mentions from 8 sites within half an hour, two days ago.
    for (let index = 0; index < 40; index += 1) {
      mentions.push(storedMention(`burst-${index}`, burstStart + index * 45_000, true, `angry${index % 8}`));
    }
    for (let offset = 0; offset < mentions.length; offset += 1000) {
      await inTransaction(db.database, (client) => insertMentions(client, mentions.slice(offset, offset + 1000)));
    }
  });

  afterAll(async () => {
    await db.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('lists the one episode the rule would have fired, with its counts and baseline', async () => {
    const run = await runCli(['backtest', '--brand', 'acme', '--rule', 'acme-negative-buzz', '--since', '5d'], {
      BUZZWATCH_CONFIG: configFile,
      DATABASE_URL: db.url,
    });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^rule acme-negative-buzz on brand acme, .* → .*: \d+ mentions, 1440 evaluations, 1 alert episode$/);
    expect(lines[1]).toBe('start,fired,end,duration,notifications,mentions,counted,negative,baseline,ratio,sites,authors,summary');
    expect(lines).toHaveLength(3);
    const fields = (lines[2] ?? '').split(',');
    const [started, fired, ended, , notifications, , counted, negative, baseline, , sites] = fields;
    const summary = fields.slice(12).join(','); // the quoted sentence, commas included
    const startedMs = Date.parse(started ?? '');
    // Since: when the burst began, at most one bucket before its first mention, and before the tick that saw it.
    expect(startedMs - burstStart).toBeGreaterThanOrEqual(-5 * MINUTE);
    expect(startedMs - burstStart).toBeLessThanOrEqual(5 * MINUTE);
    expect(Date.parse(fired ?? '')).toBeGreaterThanOrEqual(startedMs);
    expect(Date.parse(fired ?? '') - burstStart).toBeLessThanOrEqual(35 * MINUTE);
    expect(Date.parse(ended ?? '')).toBeGreaterThan(startedMs);
    expect(notifications).toBe('1');
    expect(Number(negative)).toBeGreaterThanOrEqual(5);
    expect(counted).toBe(negative);
    expect(Number(baseline)).toBeGreaterThan(0);
    expect(Number(sites)).toBeGreaterThanOrEqual(3);
    // The sentence is the peak's, as the figures beside it are (it was the firing tick's: "5 negative mentions"
    // beside negative = 40).
    expect(summary).toMatch(new RegExp(`^"${negative} negative mentions in the last hour, [\\d.]+× the usual rate, from ${sites} sites"$`));
  });

  it('reports the same episode whatever span it replays, once past warm-up (backtest = live)', async () => {
    const episodes = [];
    // 30d starts on twenty empty days: the detector must start at the brand's first mention, not learn the silence.
    for (const since of ['3d', '9d', '30d']) {
      const run = await runCli(['backtest', '--brand', 'acme', '--rule', 'acme-negative-buzz', '--since', since], {
        BUZZWATCH_CONFIG: configFile,
        DATABASE_URL: db.url,
      });
      expect(run).toMatchObject({ code: 0, stderr: '' });
      // start, fired, end and the figures; the header line differs only in its span and counts.
      episodes.push(run.stdout.trimEnd().split('\n').slice(2));
    }
    expect(episodes[0]).toHaveLength(1);
    expect(episodes[1]).toEqual(episodes[0]);
    expect(episodes[2]).toEqual(episodes[0]);
  });

  it('says which rule ids exist when asked for an unknown one', async () => {
    const run = await runCli(['backtest', '--brand', 'acme', '--rule', 'nope'], { BUZZWATCH_CONFIG: configFile, DATABASE_URL: db.url });
    expect(run).toMatchObject({ code: 1, stderr: 'no alert rule "nope" (known: acme-negative-buzz)\n' });
  });

  it('refuses a rule on a brand outside its brands, which live alerting never evaluates (it replayed it there)', async () => {
    const run = await runCli(['backtest', '--brand', 'globex', '--rule', 'acme-negative-buzz'], { BUZZWATCH_CONFIG: configFile, DATABASE_URL: db.url });
    expect(run).toMatchObject({ code: 1, stdout: '', stderr: 'rule "acme-negative-buzz" does not watch brand "globex" (its brands: acme)\n' });
  });
});

function storedMention(id: string, timeMs: number, negative: boolean, site: string): ScoredMention {
  const time = new Date(timeMs).toISOString();
  const mention: Mention = {
    id: id.padEnd(32, '0').slice(0, 32),
    sourceId: 'news',
    sourceType: 'rss',
    externalId: id,
    url: `https://${site}.example/${id}`,
    title: `Acme ${id}`,
    text: negative ? 'Acme is awful and broken.' : 'Acme opened an office.',
    author: `author-${site}`,
    lang: 'en',
    publishedAt: time,
    seenAt: time,
    brands: ['acme'],
    backfill: false,
    reach: null,
  };
  return { ...mention, sentiment: negative ? { label: 'negative', score: -2 } : { label: 'neutral', score: 0 } };
}
