// Mentions go to the queue in batches bounded by count and bytes; failed polls back off, and requested waits are capped.
import { describe, expect, it } from 'vitest';
import type { Mention } from '../../src/mentions/mention.js';
import { MAX_JOB_BYTES, MAX_MENTIONS_PER_JOB, batchMentions } from '../../src/poller/enqueue-mentions.js';
import { retryDelayMs } from '../../src/poller/poll-source.js';

function mentionWith(index: number, text = `Acme mention number ${index}`, title: string | null = `Acme ${index}`): Mention {
  return {
    id: index.toString(16).padStart(32, '0'),
    sourceId: 'news',
    sourceType: 'rss',
    externalId: `guid-${index}`,
    url: `https://news.example/${index}`,
    title,
    text,
    author: null,
    lang: 'en',
    publishedAt: '2026-11-25T10:00:00.000Z',
    seenAt: '2026-11-25T12:00:00.000Z',
    brands: ['acme'],
    backfill: false,
    reach: null,
  };
}

const mentions = (count: number, text?: (index: number) => string) =>
  Array.from({ length: count }, (_, index) => mentionWith(index, text?.(index)));

describe('batchMentions', () => {
  it('caps a batch at 500 mentions', () => {
    expect(MAX_MENTIONS_PER_JOB).toBe(500);
  });

  it('splits 1200 small mentions into 500, 500 and 200, in their original order', () => {
    const all = mentions(1200);
    const batches = batchMentions(all);
    expect(batches.map((batch) => batch.length)).toEqual([500, 500, 200]);
    expect(batches.flat()).toEqual(all);
  });

  it('puts exactly 500 mentions in one batch and 501 in two', () => {
    expect(batchMentions(mentions(500)).map((batch) => batch.length)).toEqual([500]);
    expect(batchMentions(mentions(501)).map((batch) => batch.length)).toEqual([500, 1]);
  });

  it('answers no batches for no mentions', () => {
    expect(batchMentions([])).toEqual([]);
  });

  it('splits very large texts by the byte cap', () => {
    const large = 'a'.repeat(1_500_000);
    const batches = batchMentions(mentions(5, () => large));
    expect(batches.map((batch) => batch.length)).toEqual([2, 2, 1]);
    for (const batch of batches) {
      const bytes = batch.reduce((sum, mention) => sum + Buffer.byteLength(mention.text), 0);
      expect(bytes).toBeLessThanOrEqual(MAX_JOB_BYTES);
    }
  });

  it('counts bytes, not characters', () => {
    // 1.1 M characters: 1.1 MB in ASCII (two fit under 4 MiB), 2.2 MB as "ż" (two do not).
    expect(batchMentions(mentions(2, () => 'a'.repeat(1_100_000))).map((batch) => batch.length)).toEqual([2]);
    expect(batchMentions(mentions(2, () => 'ż'.repeat(1_100_000))).map((batch) => batch.length)).toEqual([1, 1]);
  });

  it('counts the title as well as the text', () => {
    // Two mentions with 1.1 MB of text fit under 4 MiB; with 1.1 MB titles as well they do not.
    const half = 'a'.repeat(1_100_000);
    const withLongTitles = [mentionWith(1, half, half), mentionWith(2, half, half)];
    expect(batchMentions(withLongTitles).map((batch) => batch.length)).toEqual([1, 1]);
    const withShortTitles = [mentionWith(1, half, 'T'), mentionWith(2, half, 'T')];
    expect(batchMentions(withShortTitles).map((batch) => batch.length)).toEqual([2]);
  });

  it('gives a mention larger than the cap a batch of its own rather than dropping it', () => {
    const huge = mentionWith(1, 'a'.repeat(MAX_JOB_BYTES + 1));
    const batches = batchMentions([mentionWith(0), huge, mentionWith(2)]);
    expect(batches.map((batch) => batch.map((mention) => mention.externalId))).toEqual([['guid-0'], ['guid-1'], ['guid-2']]);
  });
});

describe('retryDelayMs', () => {
  const FIVE_MINUTES = 300_000;
  const ONE_HOUR = 3_600_000;

  it.each([
    [1, FIVE_MINUTES],
    [2, 2 * FIVE_MINUTES],
    [3, 4 * FIVE_MINUTES],
    [4, 8 * FIVE_MINUTES],
    [5, ONE_HOUR],
    [12, ONE_HOUR],
    [5000, ONE_HOUR],
  ])('after %i consecutive failures of a 5m source waits %i ms', (failures, expectedMs) => {
    expect(retryDelayMs(FIVE_MINUTES, failures, null)).toBe(expectedMs);
  });

  it('waits one interval when no failure has been counted', () => {
    expect(retryDelayMs(30_000, 0, null)).toBe(30_000);
  });

  it('caps at the source interval when that is longer than an hour', () => {
    const sixHours = 6 * ONE_HOUR;
    expect(retryDelayMs(sixHours, 1, null)).toBe(sixHours);
    expect(retryDelayMs(sixHours, 4, null)).toBe(sixHours);
  });

  it('doubles a 30s source up to the one-hour cap', () => {
    expect([1, 2, 3, 7, 8, 9].map((failures) => retryDelayMs(30_000, failures, null))).toEqual([
      30_000, 60_000, 120_000, 1_920_000, ONE_HOUR, ONE_HOUR,
    ]);
  });

  it('honours a Retry-After the remote side sent, shorter or longer than the back-off', () => {
    expect(retryDelayMs(FIVE_MINUTES, 4, 120_000)).toBe(120_000);
    expect(retryDelayMs(FIVE_MINUTES, 1, 2 * ONE_HOUR)).toBe(2 * ONE_HOUR);
    expect(retryDelayMs(FIVE_MINUTES, 3, 0)).toBe(0);
  });

  it('keeps a requested wait of 90 s', () => {
    expect(retryDelayMs(FIVE_MINUTES, 1, 90_000)).toBe(90_000);
  });

  it('caps a requested wait of a year at 24 hours', () => {
    const oneYear = 365 * 24 * ONE_HOUR;
    expect(retryDelayMs(FIVE_MINUTES, 1, oneYear)).toBe(24 * ONE_HOUR);
    expect(retryDelayMs(FIVE_MINUTES, 1, 24 * ONE_HOUR)).toBe(24 * ONE_HOUR);
    expect(retryDelayMs(FIVE_MINUTES, 1, 24 * ONE_HOUR + 1)).toBe(24 * ONE_HOUR);
  });

  it('caps a requested wait at the source interval when that is longer than 24 hours', () => {
    const twoDays = 48 * ONE_HOUR;
    expect(retryDelayMs(twoDays, 1, 365 * 24 * ONE_HOUR)).toBe(twoDays);
    expect(retryDelayMs(twoDays, 1, 30 * ONE_HOUR)).toBe(30 * ONE_HOUR);
  });
});
