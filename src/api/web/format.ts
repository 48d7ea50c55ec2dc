// How figures, times and sentiments read on the page. Sentiment is never told by colour alone: every badge says its
// label and carries a symbol, and the colours are the Okabe–Ito palette (safe for the common colour blindnesses).
import { h } from './dom.js';

export const SENTIMENT_COLOURS = {
  positive: '#0072B2', // blue
  neutral: '#8C8C8C', // grey
  negative: '#D55E00', // vermillion (orange)
  unknown: '#CFCFCF', // light grey
} as const;
export type Sentiment = keyof typeof SENTIMENT_COLOURS;
const SYMBOLS: Record<Sentiment, string> = { positive: '▲', neutral: '●', negative: '▼', unknown: '?' };

/** More series (share of voice): Okabe–Ito's other colours. */
export const SERIES_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

export const viewerTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const numberFormat = new Intl.NumberFormat('en');
export const count = (value: number | null | undefined) => (value === null || value === undefined ? '–' : numberFormat.format(value));
export const percent = (share: number | null | undefined, digits = 0) =>
  share === null || share === undefined || !Number.isFinite(share) ? '–' : `${(share * 100).toFixed(digits)} %`;

/** "+12 %" for relative changes, "+3.0 pts" for a change of a share. */
export function change(value: number | null, kind: 'relative' | 'points'): string {
  if (value === null || !Number.isFinite(value)) return 'new';
  const sign = value > 0 ? '+' : value < 0 ? '−' : '±';
  const size = Math.abs(value) * 100;
  return kind === 'relative' ? `${sign}${size.toFixed(0)} %` : `${sign}${size.toFixed(1)} pts`;
}

export function dateTime(iso: string | null | undefined, timeZone: string): string {
  if (iso === null || iso === undefined) return '–';
  return new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function sentimentBadge(label: string, note = ''): HTMLElement {
  const sentiment = (label in SENTIMENT_COLOURS ? label : 'unknown') as Sentiment;
  return h('span', { class: `badge sentiment-${sentiment}` }, h('span', { 'aria-hidden': 'true' }, SYMBOLS[sentiment]), ` ${label}${note}`);
}

export function statusBadge(status: string): HTMLElement {
  const tone = status === 'ok' || status === 'resolved' || status === 'sent' ? 'good' : status === 'new' || status === 'pending' || status === 'silent' ? 'plain' : 'bad';
  return h('span', { class: `badge status-${tone}` }, status);
}

export const siteOf = (url: string | null) => {
  if (url === null) return null;
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return null;
  }
};

export const snippet = (text: string, length = 240) => (text.length > length ? `${text.slice(0, length - 1)}…` : text);
