// GET /v1/reports/monthly over constructed months: a real drop is flagged significant, steady figures are not; JSON,
// one self-contained HTML page and CSV, chosen by format= or Accept.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_API_KEYS, READ_KEY, startTestSystem, type TestSystem } from '../helpers/test-system.js';
import { reportMonthsMentions } from '../helpers/report-months.js';
import { storeMentions } from '../helpers/stored-mentions.js';

describe('the monthly report', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({
      configYaml: `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme], competitors: [globex] }
  - { id: globex, name: Globex, keywords: [globex] }
reports:
  timezone: Europe/Warsaw
${TEST_API_KEYS}`,
      roles: ['api'],
    });
    await storeMentions(system.db.database, reportMonthsMentions());
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('flags the drop in mentions against October, and not the steady shares', async () => {
    const { status, body } = await system.api('/v1/reports/monthly?brand=acme&month=2026-11');
    expect(status).toBe(200);
    const report = body.data;
    expect(report).toMatchObject({
      brand: { id: 'acme', name: 'Acme Corp' },
      month: '2026-11',
      tz: 'Europe/Warsaw',
      since: '2026-10-31T23:00:00.000Z',
      until: '2026-11-30T23:00:00.000Z',
      previous_month: '2026-10',
      baseline_months: ['2026-08', '2026-09', '2026-10'],
    });
    expect(report.figures.mentions).toMatchObject({ value: 40, previous: 100, change: -0.6, baseline: 100, significant: true, direction: 'down' });
    expect(report.figures.negative_share).toMatchObject({ value: 0.2, previous: 0.2, change: 0, significant: false, direction: 'flat' });
    expect(report.figures.share_of_voice).toMatchObject({ value: 40 / 90, previous: 100 / 150, significant: true, direction: 'down' });
    expect(report.figures.sites).toMatchObject({ value: 6, previous: 6, significant: false, direction: 'flat' });
    expect(report.figures.authors).toMatchObject({ value: 9, previous: 9, significant: false });
    expect(report.figures.alert_episodes).toMatchObject({ value: 0, previous: 0, significant: false });
    expect(report.flags[0]).toBe('Mentions fell 60 % (100 → 40) against October — significant');
    expect(report.flags).toContain('Negative share flat for three months (20 %)');
    expect(report.months.map((month: { month: string; mentions: number }) => [month.month, month.mentions])).toEqual([
      ['2026-08', 98],
      ['2026-09', 102],
      ['2026-10', 100],
      ['2026-11', 40],
    ]);
    expect(report.days).toHaveLength(30);
    expect(report.top.sites[0]).toEqual({ key: 'site0.example', mentions: 7, negative: 2, negative_share: 2 / 7, reach: 7 * 100 + 6 + 12 + 18 + 24 + 30 + 36 });
    expect(report.top.terms.map((term: { key: string }) => term.key).slice(0, 2)).toEqual(['answered questions', 'customer support']);
    expect(report.worst_mentions).toHaveLength(5);
    expect(report.worst_mentions[0]).toMatchObject({ sentiment_score: -4, site: 'site2.example', url: 'https://site2.example/acme-2026-11-20' });
  });

  it('serves one self-contained HTML page, by format or by Accept', async () => {
    for (const request of [{ query: '&format=html', accept: undefined }, { query: '', accept: 'text/html,application/xhtml+xml' }]) {
      const response = await fetch(`${system.baseUrl}/v1/reports/monthly?brand=acme&month=2026-11${request.query}`, {
        headers: { authorization: `Bearer ${READ_KEY}`, ...(request.accept === undefined ? {} : { accept: request.accept }) },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const page = await response.text();
      expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(page).toContain('<li>Mentions fell 60 % (100 → 40) against October — significant</li>');
      expect(page.match(/<svg /g)?.length).toBe(3);
      // Nothing to fetch: no script, stylesheet link, image, frame or CSS url().
      expect(page).not.toMatch(/<script|<link|<img|<iframe|src=|url\(|@import/i);
      expect(page).toContain('<a href="https://site0.example/acme-2026-11-30">');
    }
  });

  it('serves the figures as CSV that parses back', async () => {
    const response = await fetch(`${system.baseUrl}/v1/reports/monthly?brand=acme&month=2026-11`, {
      headers: { authorization: `Bearer ${READ_KEY}`, accept: 'text/csv' },
    });
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows: Record<string, string>[] = parse(await response.text(), { columns: true });
    expect(rows.map((row) => row.figure)).toEqual([
      'mentions', 'negative_share', 'positive_share', 'net_sentiment', 'reach', 'sites', 'authors', 'share_of_voice', 'alert_episodes',
    ]);
    expect(rows[0]).toMatchObject({ value: '40', previous: '100', change: '-0.6', baseline: '100', significant: 'true', direction: 'down' });
  });

  it('refuses an unknown brand and a month that is not one', async () => {
    expect((await system.api('/v1/reports/monthly?brand=nope&month=2026-11')).body.error.message).toBe(
      'brand: brand "nope" is not configured (known: acme, globex)',
    );
    const badMonth = await system.api('/v1/reports/monthly?brand=acme&month=2026-13');
    expect(badMonth.status).toBe(400);
    expect(badMonth.body.error.message).toMatch(/^querystring.month must match pattern/);
  });
});
