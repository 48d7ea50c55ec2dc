// Strips what wire services and aggregators add to a headline without changing its story: "UPDATE 2-" and
// "EXCLUSIVE-" prefixes, "(2)" and "(Update 1)" version tags, a trailing " - Reuters" or " | Fox News" byline,
// and the "  ..." of a truncated title.

// Upper-case desk tags glued to the headline by a hyphen ("UPDATE 3-Libyan navy…", "ECB FOCUS-Stronger euro…").
const DESK_TAGS = /^(?:[A-Z][A-Z0-9.]*(?: [A-Z][A-Z0-9.]*)*(?: \d+)?-(?=\S))+/;
// "VIDEO:", "WATCH:", "BREAKING:" in front.
const MEDIA_TAG = /^(?:video|watch|breaking|photos?|update|exclusive|live|analysis|opinion)\s*:\s*/i;
// A version tag at the end: "(2)", "(Update 1)", "[corrected]".
const VERSION_TAG = /\s*[([](?:\d+|update \d+|updated?|corrected|correct)[)\]]\s*$/i;
const TRUNCATION = /\s*(?:\.\.\.|…)\s*$/;
// " - Reuters", " | Fox News", " — The Wall Street Journal": a short, capitalised byline after the last separator.
const BYLINE = /\s+[-|–—]\s+((?:[A-Z0-9][\w.&'’]*|the|of|and|on|de)(?:\s+(?:[A-Z0-9][\w.&'’]*|the|of|and|on|de)){0,4})\s*$/;

export function cleanHeadline(title: string): string {
  let headline = title.trim().replace(/\s+/g, ' ');
  for (let pass = 0; pass < 2; pass += 1) {
    const before = headline;
    headline = headline
      .replace(TRUNCATION, '')
      .replace(VERSION_TAG, '')
      .replace(DESK_TAGS, '')
      .replace(MEDIA_TAG, '')
      .trim();
    const byline = BYLINE.exec(headline);
    // A byline only when something worth keeping stays in front of it.
    if (byline !== null && byline.index >= 12 && /[A-Z]/.test(byline[1] ?? '')) headline = headline.slice(0, byline.index).trim();
    // A pass that changed nothing would change nothing again (most headlines carry no tag).
    if (headline === before) break;
  }
  return headline;
}
