// Makes whatever a source produced safe to store: no control characters (PostgreSQL rejects NUL), bounded lengths
// (to_tsvector has a size limit), dates a timestamp column and an ISO string can hold. One bad field must never
// cost the rest of a batch.
import type { SourceItem } from './mention.js';

export const MAX_TEXT_LENGTH = 100_000;
export const MAX_TITLE_LENGTH = 1_000;
const MAX_AUTHOR_LENGTH = 300;
const MAX_ID_LENGTH = 2_000;
const MAX_URL_LENGTH = 8_000;
const MAX_LANG_LENGTH = 20;
// Publication dates outside these years are typos ("20026") or placeholders, not information.
const EARLIEST_YEAR = 1900;
const LATEST_YEAR = 2200;

// C0 controls except tab, line feed and carriage return, plus DEL (written as escapes built from code points).
const escapeOf = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;
const CONTROL_CHARACTERS = new RegExp(
  `[${escapeOf(0x00)}-${escapeOf(0x08)}${escapeOf(0x0b)}${escapeOf(0x0c)}${escapeOf(0x0e)}-${escapeOf(0x1f)}${escapeOf(0x7f)}]`,
  'g',
);

function cleanString(value: string, maxLength: number): string {
  return value.replace(CONTROL_CHARACTERS, '').slice(0, maxLength);
}

function cleanOptional(value: string | null, maxLength: number): string | null {
  if (value === null) return null;
  const cleaned = cleanString(value, maxLength).trim();
  return cleaned === '' ? null : cleaned;
}

function plausibleDate(date: Date | null): Date | null {
  if (date === null || Number.isNaN(date.getTime())) return null;
  const year = date.getUTCFullYear();
  return year >= EARLIEST_YEAR && year <= LATEST_YEAR ? date : null;
}

export function cleanSourceItem(item: SourceItem): SourceItem {
  const url = cleanOptional(item.url, MAX_URL_LENGTH + 1);
  return {
    externalId: cleanOptional(item.externalId, MAX_ID_LENGTH),
    url: url !== null && url.length > MAX_URL_LENGTH ? null : url,
    title: cleanOptional(item.title, MAX_TITLE_LENGTH),
    text: cleanString(item.text, MAX_TEXT_LENGTH),
    author: cleanOptional(item.author, MAX_AUTHOR_LENGTH),
    lang: cleanOptional(item.lang, MAX_LANG_LENGTH),
    publishedAt: plausibleDate(item.publishedAt),
    reach: item.reach !== null && Number.isFinite(item.reach) && item.reach >= 0 ? item.reach : null,
    ...(item.siteUrl === undefined ? {} : { siteUrl: cleanOptional(item.siteUrl, MAX_URL_LENGTH) }),
  };
}
