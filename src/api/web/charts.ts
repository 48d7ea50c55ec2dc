// The overview's charts (uPlot, bundled): mentions per bucket stacked by sentiment with the negative share on a
// second axis, and each brand's share of voice per bucket. Each chart's element says how many series it drew
// (data-series) and how many buckets (data-buckets), for people inspecting the page and for the browser test.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ShareOfVoiceAnswer, StatsRow } from './api-types.js';
import { SENTIMENT_COLOURS, SERIES_COLOURS, count, percent } from './format.js';

const HEIGHT = 260;

/** Diagonal hatching in a colour: negative bars differ by pattern as well as by colour. */
function hatch(colour: string): CanvasPattern | string {
  const tile = document.createElement('canvas');
  tile.width = 8;
  tile.height = 8;
  const context = tile.getContext('2d');
  if (context === null) return colour;
  context.fillStyle = colour;
  context.fillRect(0, 0, 8, 8);
  context.strokeStyle = 'rgba(0,0,0,0.45)';
  context.lineWidth = 1.5;
  context.beginPath();
  context.moveTo(0, 8);
  context.lineTo(8, 0);
  context.stroke();
  return context.createPattern(tile, 'repeat') ?? colour;
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

function sized(container: HTMLElement, options: Omit<uPlot.Options, 'width' | 'height'>, data: uPlot.AlignedData): uPlot {
  const width = () => Math.max(280, container.clientWidth);
  const chart = new uPlot({ ...options, width: width(), height: HEIGHT }, data, container);
  const observer = new ResizeObserver(() => {
    if (!chart.root.isConnected) return observer.disconnect();
    if (Math.abs(chart.width - width()) > 4) chart.setSize({ width: width(), height: HEIGHT });
  });
  observer.observe(container);
  container.dataset.series = String(options.series.length - 1);
  container.dataset.buckets = String(data[0].length);
  return chart;
}

const timeAxis = (timeZone: string): Pick<uPlot.Options, 'tzDate'> => ({ tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), timeZone) });

/** Mentions per bucket, stacked by sentiment (negative at the bottom), and the negative share of scored mentions. */
export function volumeChart(container: HTMLElement, rows: StatsRow[], timeZone: string): uPlot {
  const raw = {
    negative: rows.map((row) => row.negative),
    neutral: rows.map((row) => row.neutral),
    positive: rows.map((row) => row.positive),
    unknown: rows.map((row) => row.unknown),
  };
  // Each stacked series is drawn as the running total up to it, tallest first, so each paints over the one above.
  const stack3 = rows.map((row) => row.negative + row.neutral + row.positive);
  const stack2 = rows.map((row) => row.negative + row.neutral);
  const negativeShare = rows.map((row) => {
    const scored = row.total - row.unknown;
    return scored === 0 ? null : row.negative / scored;
  });
  const bars = uPlot.paths.bars?.({ size: [0.8, 48] });
  const shown = (values: number[]) => (_u: uPlot, _value: number, _series: number, index: number | null) => (index === null ? '–' : count(values[index]));
  const stacked = (label: keyof typeof raw, fill: uPlot.Series['fill']): uPlot.Series => ({
    label: label[0]?.toUpperCase() + label.slice(1),
    fill,
    stroke: SENTIMENT_COLOURS[label],
    width: 0,
    paths: bars,
    points: { show: false },
    value: shown(raw[label]),
  });
  return sized(
    container,
    {
      ...timeAxis(timeZone),
      title: undefined,
      cursor: { points: { show: false } },
      scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] }, share: { range: [0, 1] } },
      axes: [
        {},
        { label: 'Mentions', values: (_u, ticks) => ticks.map((tick) => count(tick)) },
        { scale: 'share', side: 1, label: 'Negative share', grid: { show: false }, values: (_u, ticks) => ticks.map((tick) => percent(tick)) },
      ],
      series: [
        { label: 'Time' },
        stacked('unknown', SENTIMENT_COLOURS.unknown),
        stacked('positive', SENTIMENT_COLOURS.positive),
        stacked('neutral', SENTIMENT_COLOURS.neutral),
        stacked('negative', () => hatch(SENTIMENT_COLOURS.negative)),
        {
          label: 'Negative share',
          scale: 'share',
          stroke: '#1a1a1a',
          width: 2,
          dash: [6, 4],
          spanGaps: false,
          value: (_u, value) => percent(value),
        },
      ],
    },
    [
      rows.map((row) => seconds(row.bucket)),
      rows.map((row) => row.total),
      stack3,
      stack2,
      raw.negative,
      negativeShare,
    ] as uPlot.AlignedData,
  );
}

/** Each brand's share of the mentions per bucket, the watched brand with the thickest line. */
export function shareOfVoiceChart(container: HTMLElement, answer: ShareOfVoiceAnswer, brandId: string, timeZone: string, nameOf: (brandId: string) => string): uPlot {
  const brands = answer.data.map((entry) => entry.brand);
  return sized(
    container,
    {
      ...timeAxis(timeZone),
      scales: { y: { range: [0, 1] } },
      axes: [{}, { label: 'Share of voice', values: (_u, ticks) => ticks.map((tick) => percent(tick)) }],
      series: [
        { label: 'Time' },
        ...brands.map((brand, index) => ({
          label: nameOf(brand),
          stroke: SERIES_COLOURS[index % SERIES_COLOURS.length],
          width: brand === brandId ? 3 : 1.5,
          dash: index % 2 === 1 ? [8, 4] : undefined,
          value: (_u: uPlot, value: number | null) => percent(value),
        })),
      ],
    },
    [answer.series.map((bucket) => seconds(bucket.bucket)), ...brands.map((brand) => answer.series.map((bucket) => bucket.shares[brand] ?? 0))] as uPlot.AlignedData,
  );
}
