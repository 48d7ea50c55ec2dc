// A stacked bar chart as inline SVG: no script, no external asset, so a report page can be forwarded as one file.
import { escapeUTF8 } from 'entities';

export interface BarSeries {
  name: string;
  color: string;
  values: readonly number[];
}

export interface BarChartOptions {
  title: string;
  labels: readonly string[];
  /** Drawn bottom to top. */
  series: readonly BarSeries[];
  width?: number;
  height?: number;
  /** Show every n-th label (daily charts). */
  labelEvery?: number;
}

const MARGIN = { top: 28, right: 12, bottom: 36, left: 48 };

export function svgBarChart(options: BarChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 220;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const stacks = options.labels.map((_, index) => options.series.reduce((sum, series) => sum + (series.values[index] ?? 0), 0));
  const max = Math.max(1, ...stacks);
  const slot = plotWidth / Math.max(1, options.labels.length);
  const barWidth = Math.max(1, slot * 0.7);
  const y = (value: number) => MARGIN.top + plotHeight - (value / max) * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
    `<title>${escapeUTF8(options.title)}</title>`,
    `<text x="${MARGIN.left}" y="16" class="chart-title">${escapeUTF8(options.title)}</text>`,
    `<line x1="${MARGIN.left}" y1="${y(0)}" x2="${width - MARGIN.right}" y2="${y(0)}" class="axis"/>`,
    `<text x="${MARGIN.left - 6}" y="${y(max) + 4}" class="tick" text-anchor="end">${Math.round(max).toLocaleString('en-US')}</text>`,
    `<text x="${MARGIN.left - 6}" y="${y(0) + 4}" class="tick" text-anchor="end">0</text>`,
  ];
  options.labels.forEach((label, index) => {
    const x = MARGIN.left + index * slot + (slot - barWidth) / 2;
    let base = 0;
    for (const series of options.series) {
      const value = series.values[index] ?? 0;
      if (value > 0) {
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y(base + value).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(base) - y(base + value)).toFixed(1)}" fill="${series.color}"><title>${escapeUTF8(`${label}: ${series.name} ${value.toLocaleString('en-US')}`)}</title></rect>`,
        );
      }
      base += value;
    }
    if (index % (options.labelEvery ?? 1) === 0) {
      parts.push(`<text x="${(x + barWidth / 2).toFixed(1)}" y="${height - MARGIN.bottom + 16}" class="tick" text-anchor="middle">${escapeUTF8(label)}</text>`);
    }
  });
  options.series.forEach((series, index) => {
    const x = MARGIN.left + index * 130;
    parts.push(`<rect x="${x}" y="${height - 12}" width="10" height="10" fill="${series.color}"/>`);
    parts.push(`<text x="${x + 14}" y="${height - 3}" class="tick">${escapeUTF8(series.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
