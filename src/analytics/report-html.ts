// The monthly report as one self-contained HTML page (inline CSS and SVG charts, no script, no external asset), a
// page a strategist can save or forward as it is.
import { escapeAttribute, escapeUTF8 } from 'entities';
import type { MonthlyReport } from './monthly-report.js';
import { monthName } from './report-figures.js';
import { figureLines } from './report-text.js';
import { svgBarChart } from './svg-bar-chart.js';

const NEGATIVE = '#c0392b';
const OTHER = '#95a5a6';
const OWN = '#2471a3';

const STYLE = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;max-width:960px;margin:24px auto;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}.sub{color:#666;margin:0 0 16px}
ul.flags{padding-left:20px}ul.flags li{margin:4px 0;font-weight:600}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{padding:6px 8px;border-bottom:1px solid #e3e3e3;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f6f6f6;font-weight:600}
.up{color:#1e8449}.down{color:${NEGATIVE}}.flat{color:#777}.sig{font-weight:700}
.cols{display:flex;gap:24px;flex-wrap:wrap}.cols>div{flex:1 1 280px}
.chart-title{font:600 13px system-ui,sans-serif;fill:#333}.tick{font:11px system-ui,sans-serif;fill:#666}.axis{stroke:#999}
.mention{margin:10px 0;padding:8px 10px;border-left:3px solid ${NEGATIVE};background:#fbf3f2}.meta{color:#666;font-size:13px}
.method{color:#666;font-size:13px;margin-top:28px}
`;

const text = (value: string) => escapeUTF8(value);

function topTable(title: string, rows: MonthlyReport['top']['sites']): string {
  if (rows.length === 0) return `<div><h2>${text(title)}</h2><p class="meta">None this month.</p></div>`;
  const body = rows
    .map((row) => `<tr><td>${text(row.key)}</td><td>${row.mentions.toLocaleString('en-US')}</td><td>${Math.round(row.negative_share * 100)} %</td><td>${Math.round(row.reach).toLocaleString('en-US')}</td></tr>`)
    .join('');
  return `<div><h2>${text(title)}</h2><table><tr><th></th><th>mentions</th><th>negative</th><th>reach</th></tr>${body}</table></div>`;
}

export function reportHtml(report: MonthlyReport): string {
  const title = `${report.brand.name}: ${monthName(report.month)} ${report.month.slice(0, 4)}`;
  const figures = figureLines(report)
    .map((line) => {
      const css = `${line.figure.direction}${line.figure.significant ? ' sig' : ''}`;
      return `<tr><td>${text(line.label)}</td><td>${text(line.value)}</td><td>${text(line.previous)}</td><td class="${css}">${text(line.change)}</td><td>${text(line.baseline)}</td><td class="${css}">${text(line.verdict)}</td></tr>`;
    })
    .join('');
  const monthsChart = svgBarChart({
    title: 'Mentions per month',
    labels: report.months.map((month) => month.month),
    series: [
      { name: 'negative', color: NEGATIVE, values: report.months.map((month) => month.negative) },
      { name: 'other', color: OTHER, values: report.months.map((month) => month.mentions - month.negative) },
    ],
    width: 420,
  });
  const daysChart = svgBarChart({
    title: `Mentions per day, ${monthName(report.month)}`,
    labels: report.days.map((day) => day.day.slice(8)),
    series: [
      { name: 'negative', color: NEGATIVE, values: report.days.map((day) => day.negative) },
      { name: 'other', color: OTHER, values: report.days.map((day) => day.mentions - day.negative) },
    ],
    width: 900,
    labelEvery: 2,
  });
  const voice = report.months.some((month) => month.share_of_voice !== null)
    ? svgBarChart({
        title: `Share of voice against ${report.competitors.join(', ')} (%)`,
        labels: report.months.map((month) => month.month),
        series: [{ name: report.brand.name, color: OWN, values: report.months.map((month) => Math.round((month.share_of_voice ?? 0) * 100)) }],
        width: 420,
      })
    : '';
  const worst = report.worst_mentions
    .map((mention) => {
      const heading = text(mention.title ?? mention.snippet.slice(0, 100));
      const link = mention.url === null ? heading : `<a href="${escapeAttribute(mention.url)}">${heading}</a>`;
      const meta = [mention.site, mention.author, mention.occurred_at.slice(0, 10), `sentiment ${mention.sentiment_score.toFixed(2)}`, mention.reach === null ? null : `reach ${mention.reach.toLocaleString('en-US')}`]
        .filter((part): part is string => part !== null)
        .map(text)
        .join(' · ');
      return `<div class="mention"><div>${link}</div><div>${text(mention.snippet)}</div><div class="meta">${meta}</div></div>`;
    })
    .join('');
  const flags = report.flags.length === 0 ? '<p>Nothing stood out this month.</p>' : `<ul class="flags">${report.flags.map((flag) => `<li>${text(flag)}</li>`).join('')}</ul>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${text(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${text(title)}</h1>
<p class="sub">Monthly report · ${text(report.tz)} · against ${text(monthName(report.previous_month))} and the mean of ${text(report.baseline_months.join(', '))}</p>
${flags}
<table><tr><th>Figure</th><th>${text(report.month)}</th><th>${text(report.previous_month)}</th><th>change</th><th>3-month mean</th><th>test</th></tr>${figures}</table>
<div class="cols"><div>${monthsChart}</div><div>${voice}</div></div>
${daysChart}
<div class="cols">${topTable('Top sites', report.top.sites)}${topTable('Top authors', report.top.authors)}${topTable('Top terms', report.top.terms)}</div>
<h2>Most negative mentions</h2>
${worst === '' ? '<p class="meta">No negative mention this month.</p>' : worst}
<p class="method">${text(report.method)}</p>
</body></html>
`;
}
