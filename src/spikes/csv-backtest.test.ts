// The CSV backtest: NAB-format parsing, bucket inference, output format, and one alert per episode.
import { describe, expect, it } from 'vitest';
import { MAX_SURPRISE } from './count-tail.js';
import { alertsAtSensitivity, backtestCsv, formatBacktestCsv, scoreCsv } from './csv-backtest.js';
import { CsvSeriesError, inferBucketMs, parseCsvSeries, parseSeriesTimestamp } from './csv-series.js';
import { SpikeDetector } from './spike-detector.js';
import { SpikeEpisodes } from './spike-episodes.js';
import { DEFAULT_VOLUME_SPIKE, volumeSpikeEpisodeOptions } from './volume-spike-defaults.js';

const BUCKET_MS = 300_000;
const START = Date.UTC(2015, 1, 26);

function nabTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}

/** A NAB-like mention series: a daily cycle with deterministic wobble, and one burst of two hours on day 6. */
function nabCsv(days: number, burstFrom: number | null): { csv: string; values: number[] } {
  const values = Array.from({ length: days * 288 }, (_, bucket) => {
    const hour = ((bucket % 288) / 288) * 24;
    const usual = 5 + 40 * Math.exp(-(((hour - 15) / 4) ** 2)) + ((bucket * 7919) % 11) - 5;
    const burst = burstFrom !== null && bucket >= burstFrom && bucket < burstFrom + 24 ? 6 : 1;
    return Math.max(0, Math.round(usual * burst));
  });
  const lines = values.map((value, bucket) => `${nabTimestamp(START + bucket * BUCKET_MS)},${value}`);
  return { csv: ['timestamp,value', ...lines].join('\n') + '\n', values };
}

describe('parseSeriesTimestamp', () => {
  it('reads NAB timestamps as UTC, with or without fractions, T, Z or an offset', () => {
    const expected = Date.UTC(2015, 2, 3, 4, 37, 53);
    expect(parseSeriesTimestamp('2015-03-03 04:37:53')).toBe(expected);
    expect(parseSeriesTimestamp('2015-03-03 04:37:53.000000')).toBe(expected);
    expect(parseSeriesTimestamp('2015-03-03T04:37:53Z')).toBe(expected);
    expect(parseSeriesTimestamp('2015-03-03T04:37:53.000Z')).toBe(expected);
    expect(parseSeriesTimestamp('2015-03-03T06:37:53+02:00')).toBe(expected);
    expect(parseSeriesTimestamp('2015-03-03 04:37')).toBe(Date.UTC(2015, 2, 3, 4, 37));
  });

  it('rejects what is not a date and time', () => {
    expect(parseSeriesTimestamp('2015-02-30 00:00:00')).toBeNull();
    expect(parseSeriesTimestamp('2015-03-03 25:00:00')).toBeNull();
    expect(parseSeriesTimestamp('03/03/2015 04:37')).toBeNull();
    expect(parseSeriesTimestamp('timestamp')).toBeNull();
  });
});

describe('parseCsvSeries', () => {
  it('reads rows after the header, skipping blank lines and tolerating CRLF and quotes', () => {
    const series = parseCsvSeries('timestamp,value\r\n2015-03-03 04:35:00,10\r\n\r\n"2015-03-03 04:40:00","2.5"\r\n');
    expect(series.rows).toEqual([
      { timestamp: '2015-03-03 04:35:00', bucketStart: Date.UTC(2015, 2, 3, 4, 35), value: 10, lineNumber: 2 },
      { timestamp: '2015-03-03 04:40:00', bucketStart: Date.UTC(2015, 2, 3, 4, 40), value: 2.5, lineNumber: 4 },
    ]);
    expect(series.bucketMs).toBe(BUCKET_MS);
  });

  it('accepts a file without a header', () => {
    expect(parseCsvSeries('2015-03-03 04:35:00,10\n2015-03-03 04:40:00,11\n').rows).toHaveLength(2);
  });

  it('infers the bucket as the median spacing, so gaps and a repeated timestamp do not change it', () => {
    const minute = 60_000;
    expect(inferBucketMs([0, 5, 10, 15, 60, 65, 65, 70].map((m) => m * minute))).toBe(5 * minute);
    expect(inferBucketMs([0, 60, 120, 180].map((m) => m * minute))).toBe(60 * minute);
    expect(inferBucketMs([0])).toBe(5 * minute);
  });

  it('names the line of a bad timestamp, a bad value, or a missing column', () => {
    const header = 'timestamp,value\n2015-03-03 04:35:00,10\n';
    expect(() => parseCsvSeries(`${header}2015-03-03 04:40:00,10\n03/03/2015 04:45,7\n`)).toThrow(
      new CsvSeriesError('timestamp "03/03/2015 04:45" is not YYYY-MM-DD HH:MM:SS', 4),
    );
    expect(() => parseCsvSeries(`${header}2015-03-03 04:40:00,many\n`)).toThrow(
      'line 3: value "many" is not a number',
    );
    expect(() => parseCsvSeries(`${header}2015-03-03 04:40:00,\n`)).toThrow('line 3: value "" is not a number');
    expect(() => parseCsvSeries(`${header}2015-03-03 04:40:00\n`)).toThrow('line 3: expected "timestamp,value"');
    try {
      parseCsvSeries(`${header}\n\nbad,1\n`);
      expect.unreachable('a bad row must throw');
    } catch (error) {
      expect(error).toBeInstanceOf(CsvSeriesError);
      expect((error as CsvSeriesError).lineNumber).toBe(5);
    }
  });
});

describe('SpikeEpisodes', () => {
  it('fires on the first anomalous step and resolves after resolveAfterBuckets normal steps in a row', () => {
    const episodes = new SpikeEpisodes({ resolveAfterBuckets: 3 });
    const steps = [false, true, true, false, true, false, false, true, false, false, false, false, true];
    expect(steps.map((anomalous) => episodes.step(anomalous))).toEqual([
      null,
      'firing',
      null,
      null,
      null, // anomalous again: the normal streak starts over
      null,
      null,
      null,
      null,
      null,
      'resolved',
      null,
      'firing',
    ]);
  });

  it('holds back a new episode during the cooldown after a resolution', () => {
    const episodes = new SpikeEpisodes({ resolveAfterBuckets: 1, cooldownBuckets: 2 });
    expect([true, false, true, true, true].map((anomalous) => episodes.step(anomalous))).toEqual([
      'firing',
      'resolved',
      null,
      null,
      'firing',
    ]);
  });

  it('continues identically after a JSON round trip mid-episode', () => {
    const episodes = new SpikeEpisodes({ resolveAfterBuckets: 2 });
    episodes.step(true);
    episodes.step(false);
    const restored = new SpikeEpisodes({ resolveAfterBuckets: 2 }, JSON.parse(JSON.stringify(episodes.toJSON())));
    expect(restored.firing).toBe(true);
    expect(restored.step(false)).toBe('resolved');
    expect(restored.firing).toBe(false);
  });

  it('resolves the default volume_spike episode after one hour of normal buckets, then holds 12 hours of cooldown', () => {
    expect(DEFAULT_VOLUME_SPIKE).toEqual({ sensitivity: 'medium', resolveAfterMs: 3_600_000, cooldownMs: 43_200_000 });
    expect(volumeSpikeEpisodeOptions(BUCKET_MS)).toEqual({ resolveAfterBuckets: 12, cooldownBuckets: 144 });
    expect(volumeSpikeEpisodeOptions(3_600_000)).toEqual({ resolveAfterBuckets: 1, cooldownBuckets: 12 });
  });
});

describe('backtestCsv', () => {
  const burstFrom = 5 * 288 + 14 * 12;

  it('prints one row per input row, timestamps as given, and a single alert at the start of a two-hour burst', () => {
    const { csv, values } = nabCsv(8, burstFrom);
    const rows = backtestCsv(csv.replace('2015-02-26 00:00:00,', '2015-02-26 00:00:00.000000,'));
    expect(rows).toHaveLength(values.length);
    expect(rows[0]?.timestamp).toBe('2015-02-26 00:00:00.000000');
    expect(rows.map((row) => row.value)).toEqual(values);
    const alertRows = rows.flatMap((row, index) => (row.alert === 1 ? [index] : []));
    expect(alertRows).toHaveLength(1);
    expect(alertRows[0]).toBeGreaterThanOrEqual(burstFrom);
    expect(alertRows[0]).toBeLessThanOrEqual(burstFrom + 2);
    // Many buckets of the burst are anomalous; the episode still sends one alert.
    expect(rows.slice(burstFrom, burstFrom + 24).filter((row) => row.score >= 5).length).toBeGreaterThan(5);
  });

  it('alerts exactly where the live detector and episodes with the default settings fire', () => {
    const { csv } = nabCsv(8, burstFrom);
    const series = parseCsvSeries(csv);
    const detector = new SpikeDetector({ bucketMs: series.bucketMs, sensitivity: DEFAULT_VOLUME_SPIKE.sensitivity });
    const episodes = new SpikeEpisodes(volumeSpikeEpisodeOptions(series.bucketMs));
    const live = series.rows.map((row) => {
      const verdict = detector.update(row.bucketStart, row.value);
      return episodes.step(verdict.anomalous) === 'firing' ? 1 : 0;
    });
    expect(backtestCsv(csv).map((row) => row.alert)).toEqual(live);
  });

  it('takes a sensitivity: the burst still alerts at low, nothing alerts above the largest possible score', () => {
    const { csv } = nabCsv(8, burstFrom);
    const alertsAt = (sensitivity: 'low' | number) =>
      backtestCsv(csv, { sensitivity }).filter((row) => row.alert === 1).length;
    expect(alertsAt('low')).toBe(1);
    expect(alertsAt(MAX_SURPRISE + 1)).toBe(0);
  });

  it('re-thresholds recorded scores exactly as a replay at that sensitivity would alert (what bench:nab relies on)', () => {
    const { csv } = nabCsv(8, burstFrom);
    const scored = scoreCsv(csv);
    for (const sensitivity of ['low', 'medium', 'high', 3, 12] as const) {
      expect(alertsAtSensitivity(scored, sensitivity)).toEqual(backtestCsv(csv, { sensitivity }).map((row) => row.alert));
    }
  });

  it('reports the line of a bad row', () => {
    expect(() => backtestCsv('timestamp,value\n2015-03-03 04:35:00,1\n2015-03-03 04:40:00,x\n')).toThrow(
      'line 3: value "x" is not a number',
    );
  });
});

describe('formatBacktestCsv', () => {
  it('prints the header and one line per row, scores rounded to 4 decimals', () => {
    const text = formatBacktestCsv([
      { timestamp: '2015-03-03 04:35:00', value: 10, score: 0.123456, alert: 0 },
      { timestamp: '2015-03-03 04:40:00.000000', value: 2.5, score: 2.5, alert: 1 },
    ]);
    expect(text).toBe(
      'timestamp,value,score,alert\n2015-03-03 04:35:00,10,0.1235,0\n2015-03-03 04:40:00.000000,2.5,2.5,1\n',
    );
  });
});
