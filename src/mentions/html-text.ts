// Turns the HTML that feeds put in descriptions and content into plain, single-spaced text.
import { decodeHTML } from 'entities';

const INVISIBLE_BLOCK = /<(script|style|noscript|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const COMMENT = /<!--[\s\S]*?-->/g;
const BLOCK_BOUNDARY = /<\/?(p|div|br|li|ul|ol|h[1-6]|blockquote|tr|td|th|table|section|article|header|footer|pre)\b[^>]*>/gi;
const TAG = /<\/?[a-zA-Z][^>]*>/g;

export function htmlToText(html: string): string {
  const withoutMarkup = html
    .replace(COMMENT, ' ')
    .replace(INVISIBLE_BLOCK, ' ')
    .replace(BLOCK_BOUNDARY, '\n')
    .replace(TAG, '');
  return decodeHTML(withoutMarkup)
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}
