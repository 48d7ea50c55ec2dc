// Wording shared by the report's formats: how each figure's value and change are written.
import { FIGURE_LABELS, FIGURE_NAMES, formatFigureValue, type Figure, type FigureName } from './report-figures.js';
import type { MonthlyReport } from './monthly-report.js';

const RELATIVE: ReadonlySet<FigureName> = new Set(['mentions', 'reach', 'sites', 'authors', 'alert_episodes']);

/** "−42 %" for counts, "+3.1 pts" for shares and net sentiment, "" without a comparison. */
export function formatChange(name: FigureName, change: number | null): string {
  if (change === null) return '';
  const sign = change > 0 ? '+' : change < 0 ? '−' : '±';
  if (RELATIVE.has(name)) return `${sign}${Math.round(Math.abs(change) * 100)} %`;
  return `${sign}${(Math.abs(change) * 100).toFixed(1)} pts`;
}

export interface FigureLine {
  name: FigureName;
  label: string;
  value: string;
  previous: string;
  change: string;
  baseline: string;
  verdict: string;
  figure: Figure;
}

/** One line per figure that has a value, in report order. */
export function figureLines(report: MonthlyReport): FigureLine[] {
  return FIGURE_NAMES.filter((name) => report.figures[name].value !== null).map((name) => {
    const figure = report.figures[name];
    return {
      name,
      label: FIGURE_LABELS[name],
      value: formatFigureValue(name, figure.value),
      previous: formatFigureValue(name, figure.previous),
      change: formatChange(name, figure.change),
      baseline: formatFigureValue(name, figure.baseline),
      verdict: figure.significant ? `significant ${figure.direction} (p = ${figure.p_value.toPrecision(2)})` : 'not significant',
      figure,
    };
  });
}
