// The monthly report's figures as CSV (RFC 4180, one row per figure), for a spreadsheet.
import { stringify } from 'csv-stringify/sync';
import type { MonthlyReport } from './monthly-report.js';
import { FIGURE_NAMES } from './report-figures.js';

const COLUMNS = ['figure', 'value', 'previous', 'change', 'baseline', 'significant', 'direction', 'p_value', 'baseline_change',
  'baseline_significant', 'baseline_p_value', 'test'];

export function reportCsv(report: MonthlyReport): string {
  const rows = FIGURE_NAMES.map((name) => {
    const figure = report.figures[name];
    return [name, figure.value, figure.previous, figure.change, figure.baseline, figure.significant, figure.direction, figure.p_value,
      figure.baseline_change, figure.baseline_significant, figure.baseline_p_value, figure.test];
  });
  return stringify(rows, { header: true, columns: COLUMNS, record_delimiter: 'windows', cast: { boolean: (value) => String(value) } });
}
