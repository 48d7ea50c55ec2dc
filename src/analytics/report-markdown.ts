// The monthly report as Markdown, for `buzzwatch report --format md` (a wiki page, an e-mail, a chat message).
import type { MonthlyReport } from './monthly-report.js';
import { monthName } from './report-figures.js';
import { figureLines } from './report-text.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');

export function reportMarkdown(report: MonthlyReport): string {
  const lines = [`# ${report.brand.name}: ${monthName(report.month)} ${report.month.slice(0, 4)}`, ''];
  lines.push(report.flags.length === 0 ? '_Nothing stood out._' : report.flags.map((flag) => `- **${flag}**`).join('\n'), '');
  lines.push(`| figure | ${report.month} | ${report.previous_month} | change | mean of ${report.baseline_months.join(', ')} | test |`);
  lines.push('| --- | ---: | ---: | ---: | ---: | --- |');
  for (const line of figureLines(report)) {
    lines.push(`| ${line.label} | ${line.value} | ${line.previous} | ${line.change} | ${line.baseline} | ${line.verdict} |`);
  }
  const top = (title: string, rows: MonthlyReport['top']['sites']) => {
    if (rows.length === 0) return;
    lines.push('', `## ${title}`, '', '| | mentions | negative | reach |', '| --- | ---: | ---: | ---: |');
    for (const row of rows) lines.push(`| ${cell(row.key)} | ${row.mentions} | ${row.negative} | ${Math.round(row.reach)} |`);
  };
  top('Top sites', report.top.sites);
  top('Top authors', report.top.authors);
  top('Top terms', report.top.terms);
  if (report.worst_mentions.length > 0) {
    lines.push('', '## Most negative mentions', '');
    for (const mention of report.worst_mentions) {
      const title = cell(mention.title ?? mention.snippet.slice(0, 80));
      const link = mention.url === null ? title : `[${title}](${mention.url})`;
      lines.push(`- ${link} — ${mention.site}${mention.author === null ? '' : `, ${cell(mention.author)}`}, ${mention.occurred_at.slice(0, 10)}, sentiment ${mention.sentiment_score.toFixed(2)}${mention.reach === null ? '' : `, reach ${mention.reach}`}`);
    }
  }
  lines.push('', `_${report.method} Time zone ${report.tz}._`, '');
  return lines.join('\n');
}
