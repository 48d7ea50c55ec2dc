import { describe, expect, it } from 'vitest';
import { reportFigures, reportFlags, type MonthCounts } from './report-figures.js';

/** A month with `mentions`, a fifth of them negative unless said, spread over its days. */
function month(name: string, days: number, mentions: number, fields: Partial<MonthCounts> = {}): MonthCounts {
  const negative = fields.negative ?? Math.round(mentions * 0.2);
  const positive = fields.positive ?? Math.round(mentions * 0.3);
  return {
    month: name,
    days,
    mentions,
    positive,
    negative,
    neutral: mentions - negative - positive,
    unknown: 0,
    reach: mentions * 10,
    // Each mention reaches 10, spread over the days as evenly as whole mentions go.
    dailyReach: Array.from({ length: days }, (_, day) => 10 * (Math.floor(((day + 1) * mentions) / days) - Math.floor((day * mentions) / days))),
    sites: 40,
    authors: 100,
    voiceTotal: mentions * 2,
    alertEpisodes: 1,
    ...fields,
  };
}

describe('monthly report figures', () => {
  it('flags a real drop in mentions as significant, down, and says so first', () => {
    const months = [month('2026-07', 31, 1010), month('2026-08', 31, 990), month('2026-09', 30, 985), month('2026-10', 31, 1000), month('2026-11', 30, 560)];
    const figures = reportFigures(months);
    expect(figures.mentions).toMatchObject({ value: 560, previous: 1000, baseline: (990 + 985 + 1000) / 3, significant: true, direction: 'down', baseline_significant: true });
    expect(figures.mentions.change).toBeCloseTo(-0.44, 10);
    expect(figures.mentions.p_value).toBeLessThan(1e-6);
    expect(reportFlags(months, figures)[0]).toBe('Mentions fell 44 % (1,000 → 560) against October — significant');
  });

  it('leaves noise alone: the same wobble at small volume is flat and not significant', () => {
    const months = [month('2026-08', 31, 12), month('2026-09', 30, 10), month('2026-10', 31, 12), month('2026-11', 30, 7)];
    const figures = reportFigures(months);
    expect(figures.mentions).toMatchObject({ value: 7, previous: 12, significant: false, direction: 'flat', baseline_significant: false });
    expect(figures.mentions.p_value).toBeGreaterThan(0.05);
    expect(reportFlags(months, figures).filter((flag) => flag.includes('significant'))).toEqual([]);
  });

  it('tests shares as proportions and reports a stagnating negative share', () => {
    const months = [
      month('2026-08', 31, 1000, { negative: 200 }),
      month('2026-09', 30, 1000, { negative: 205 }),
      month('2026-10', 31, 1000, { negative: 198 }),
      month('2026-11', 30, 1000, { negative: 202 }),
    ];
    const figures = reportFigures(months);
    expect(figures.negative_share).toMatchObject({ value: 0.202, previous: 0.198, significant: false, direction: 'flat' });
    expect(figures.negative_share.change).toBeCloseTo(0.004, 10);
    expect(reportFlags(months, figures)).toContain('Negative share flat for three months (20 %)');
  });

  it('flags a rise in negative share', () => {
    const months = [month('2026-09', 30, 800, { negative: 80 }), month('2026-10', 31, 800, { negative: 80 }), month('2026-11', 30, 800, { negative: 160 })];
    const figures = reportFigures(months);
    expect(figures.negative_share).toMatchObject({ significant: true, direction: 'up' });
    expect(reportFlags(months, figures)).toContain('Negative share rose from 10 % to 20 % against October — significant');
  });

  it('has no share of voice without competitors, and no change from zero', () => {
    const months = [month('2026-10', 31, 0, { voiceTotal: null, alertEpisodes: 0 }), month('2026-11', 30, 5, { voiceTotal: null, alertEpisodes: 2 })];
    const figures = reportFigures(months);
    expect(figures.share_of_voice.value).toBeNull();
    expect(figures.mentions.change).toBeNull();
    expect(figures.negative_share.previous).toBeNull();
  });
});
