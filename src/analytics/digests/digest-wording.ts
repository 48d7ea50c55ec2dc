// Wording shared by every digest channel (title, figures, top lists, worst mentions, footer), so Slack, e-mail and
// any later channel say the same thing in the same words. Pure: plain text in, plain text out; escaping is the
// channel's job.
import { DateTime } from 'luxon';
import { listInWords, oneLine, truncateText } from '../../alerts/notifiers/format-alert.js';
import type { WorstMentionEntry } from '../period-figures.js';
import { FIGURE_LABELS, formatFigureValue } from '../report-figures.js';
import { formatChange } from '../report-text.js';
import { SIGNIFICANCE_LEVEL } from '../significance.js';
import type { TopRow } from '../top.js';
import { DIGEST_FIGURES, type BrandDigest, type DigestEpisode, type DigestFigure, type DigestFigureName, type DigestSummary } from './digest-summary.js';
import { digestPeriodKinds } from './periods/registry.js';

const BRANDS_IN_TITLE_MAX = 120;
const PART_MAX = 100;

/** "Monthly digest: Acme Corp — November 2026". */
export function digestTitle(summary: DigestSummary): string {
  const brands = truncateText(oneLine(listInWords(summary.brands.map((each) => each.brand.name))), BRANDS_IN_TITLE_MAX);
  return `${digestPeriodKinds[summary.every].title} digest: ${brands} — ${summary.period.label}`;
}

export interface DigestFact {
  label: string;
  value: string;
}

/** " (−60 % vs October, significant ↓)", or "" when there is nothing to compare with. */
function comparison(name: DigestFigureName, figure: DigestFigure, previousLabel: string): string {
  const change = formatChange(name, figure.change);
  if (change === '') return '';
  const verdict = figure.significant ? `, significant ${figure.direction === 'up' ? '↑' : '↓'}` : '';
  return ` (${change} vs ${previousLabel}${verdict})`;
}

/** "40 (−60 % vs October, significant ↓)", "20 % (±0.0 pts vs October)", "12" when there is nothing to compare. */
export function figureFacts(brand: BrandDigest, previousLabel: string): DigestFact[] {
  return DIGEST_FIGURES.filter((name) => brand.figures[name].value !== null).map((name) => {
    const figure = brand.figures[name];
    return { label: FIGURE_LABELS[name], value: `${formatFigureValue(name, figure.value)}${comparison(name, figure, previousLabel)}` };
  });
}

/** "site0.example (7), site1.example (7)"; null when nothing was counted. */
export function topLine(rows: readonly TopRow[]): string | null {
  if (rows.length === 0) return null;
  return rows.map((row) => `${truncateText(oneLine(row.key), PART_MAX)} (${row.mentions.toLocaleString('en-US')})`).join(', ');
}

/** Top sites, authors and terms as labelled lines, those with something counted. */
export function topFacts(brand: BrandDigest): DigestFact[] {
  const facts: DigestFact[] = [];
  for (const [label, rows] of [
    ['Top sites', brand.top.sites],
    ['Top authors', brand.top.authors],
    ['Top terms', brand.top.terms],
  ] as const) {
    const line = topLine(rows);
    if (line !== null) facts.push({ label, value: line });
  }
  return facts;
}

/** A worst mention's title, falling back to its site. */
export function mentionTitle(mention: WorstMentionEntry): string {
  const title = mention.title === null ? '' : oneLine(mention.title);
  return title === '' ? `Mention on ${oneLine(mention.site)}` : title;
}

/** "site2.example · author 2 · sentiment -4.00 · reach 120 · 2026-11-20 11:20" (local time of the digest). */
export function mentionDetails(mention: WorstMentionEntry, zone: string): string {
  const parts = [truncateText(oneLine(mention.site), PART_MAX)];
  if (mention.author !== null && oneLine(mention.author) !== '') parts.push(truncateText(oneLine(mention.author), PART_MAX));
  parts.push(`sentiment ${mention.sentiment_score.toFixed(2)}`);
  if (mention.reach !== null) parts.push(`reach ${mention.reach.toLocaleString('en-US')}`);
  parts.push(DateTime.fromISO(mention.occurred_at, { zone }).toFormat('yyyy-MM-dd HH:mm'));
  return parts.join(' · ');
}

/** "Negative buzz: 37 negative mentions · 2026-11-03 14:05 → 16:30" (local times; "still firing" while it does). */
export function episodeLine(episode: DigestEpisode, zone: string): string {
  const start = DateTime.fromISO(episode.started_at, { zone });
  const end = episode.resolved_at === null ? null : DateTime.fromISO(episode.resolved_at, { zone });
  const until = end === null ? 'still firing' : end.toFormat(end.hasSame(start, 'day') ? 'HH:mm' : 'yyyy-MM-dd HH:mm');
  const headline = oneLine(episode.headline);
  return `${episode.title}${headline === '' ? '' : `: ${truncateText(headline, PART_MAX)}`} · ${start.toFormat('yyyy-MM-dd HH:mm')} → ${until}`;
}

/** The headline of a brand: its first flag, else "12 mentions (+20 % vs the week of 12 October)". */
export function brandHeadline(brand: BrandDigest, previousLabel: string): string {
  const [flag] = brand.flags;
  if (flag !== undefined) return flag;
  const mentions = brand.figures.mentions;
  return `${formatFigureValue('mentions', mentions.value)} mentions${comparison('mentions', mentions, previousLabel)}`;
}

/** Every brand's headline, each named by its brand when there are several. */
export function digestHeadlines(summary: DigestSummary): string {
  const several = summary.brands.length > 1;
  return summary.brands
    .map((brand) => `${several ? `${oneLine(brand.brand.name)}: ` : ''}${brandHeadline(brand, summary.period.previous_label)}`)
    .join('; ');
}

/** "Digest weekly-pr · changes against the week of 12 October; significant: p < 0.05 · times in Europe/Warsaw". */
export function digestFooter(summary: DigestSummary): string {
  return (
    `Digest ${summary.digest_id} · changes against ${summary.period.previous_label}; significant: p < ${SIGNIFICANCE_LEVEL} ` +
    `(the monthly report's tests) · times in ${summary.period.tz}`
  );
}
