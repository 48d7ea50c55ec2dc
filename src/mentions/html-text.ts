// Turns the HTML that feeds put in descriptions and content into plain, single-spaced text, in linear time: each
// pattern that needs a closing part (">", "-->", "</script>") is only tried where one still follows, since a pattern
// tried at each of many openings with no closing part after them scans to the end from every one (quadratic: 50,000
// "<p" without a ">" took seconds).
import { decodeHTML } from 'entities';

const INVISIBLE = ['script', 'style', 'noscript', 'template'];
const COMMENT = /<!--[\s\S]*?-->/g;
const BLOCK_BOUNDARY = /<\/?(p|div|br|li|ul|ol|h[1-6]|blockquote|tr|td|th|table|section|article|header|footer|pre)\b[^>]*>/gi;
const TAG = /<\/?[a-zA-Z][^>]*>/g;

export function htmlToText(html: string): string {
  const withoutMarkup = replaceBefore(replaceBefore(withoutInvisibleBlocks(replaceBefore(html, COMMENT, '-->', ' ')), BLOCK_BOUNDARY, '>', '\n'), TAG, '>', '');
  return decodeHTML(withoutMarkup)
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    // A run of whitespace with a line break in it becomes that line break (/\s*\n\s*/g, which tried every position of
    // a long run without one to its end).
    .replace(/\s+/g, (run) => (run.includes('\n') ? '\n' : run))
    .replace(/\n{2,}/g, '\n')
    .trim();
}

/**
 * text.replace(pattern, replacement) for a pattern every match of which ends with `closing`: the same result, with the
 * pattern tried only up to the last `closing`, where every attempt that gets past the opening finds its end.
 */
function replaceBefore(text: string, pattern: RegExp, closing: string, replacement: string): string {
  const end = text.lastIndexOf(closing);
  if (end === -1) return text;
  const cut = end + closing.length;
  return text.slice(0, cut).replace(pattern, replacement) + text.slice(cut);
}

/**
 * What /<(script|style|noscript|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi replaced by ' ' gives, in linear time: an
 * element without a closing tag after it is not searched for again at each later opening of that name.
 */
function withoutInvisibleBlocks(html: string): string {
  let names = INVISIBLE;
  const parts: string[] = [];
  let copiedTo = 0;
  let from = 0;
  // Past the last ">", no opening tag can end: not searched (it would scan to the end from each "<").
  const searchable = html.slice(0, html.lastIndexOf('>') + 1);
  let opening = openingTag(names);
  while (names.length > 0) {
    opening.lastIndex = from;
    const open = opening.exec(searchable);
    if (open === null) break;
    const closing = new RegExp(`<\\/${open[1]}\\s*>`, 'gi');
    closing.lastIndex = opening.lastIndex;
    const close = closing.exec(html);
    if (close === null) {
      const name = (open[1] ?? '').toLowerCase();
      names = names.filter((each) => each !== name);
      opening = openingTag(names);
      from = open.index + 1;
      continue;
    }
    parts.push(html.slice(copiedTo, open.index), ' ');
    copiedTo = closing.lastIndex;
    from = closing.lastIndex;
  }
  parts.push(html.slice(copiedTo));
  return parts.join('');
}

function openingTag(names: readonly string[]): RegExp {
  return new RegExp(`<(${names.join('|')})\\b[^>]*>`, 'gi');
}
