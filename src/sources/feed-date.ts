// Publication dates as feeds really write them: RFC 822 (RSS pubDate) with the zone names European and Asian sites
// use, RFC 3339 (Atom, dc:date), and dates with no zone at all. Date.parse alone knows only the US zone names (a
// "CEST" date was NaN, so the item counted at the moment it was seen), and reads a date without a zone in the host's
// own time zone, so the same feed gave other times on a server in Warsaw than on one in UTC.

// Zone names whose meaning is not in doubt where feeds use them. Ambiguous ones (IST: India, Ireland or Israel; AST:
// Atlantic or Arabia) are left out: no date is better than a wrong one. Date.parse knows UT, UTC, GMT, Z and the US
// names (EST, EDT, CST, CDT, MST, MDT, PST, PDT) itself.
const ZONE_OFFSETS: Readonly<Record<string, string>> = {
  WET: '+0000',
  WEST: '+0100',
  BST: '+0100',
  CET: '+0100',
  CEST: '+0200',
  MET: '+0100',
  MEST: '+0200',
  MEZ: '+0100',
  MESZ: '+0200',
  EET: '+0200',
  EEST: '+0300',
  MSK: '+0300',
  HKT: '+0800',
  SGT: '+0800',
  AWST: '+0800',
  JST: '+0900',
  KST: '+0900',
  ACST: '+0930',
  ACDT: '+1030',
  AEST: '+1000',
  AEDT: '+1100',
  NZST: '+1200',
  NZDT: '+1300',
  HST: '-1000',
  AKST: '-0900',
  AKDT: '-0800',
  NST: '-0330',
  NDT: '-0230',
};

const NAMED_ZONE = /\s([A-Za-z]{3,4})(\s*\([^)]*\))?$/;
// What counts as a zone at the end of a date: Z, a numeric offset, GMT/UTC/UT with or without one, or any name
// (one Date.parse does not know still makes the date unreadable rather than misread); a "(CET)" comment may follow.
const ANY_ZONE = /(?:Z|\b(?:UTC?|GMT)(?:[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2}|\b[A-Za-z]{3,5})\s*(?:\([^)]*\))?$/;
const ISO_DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T/;

// Longer than any date: ANY_ZONE, tried at every position, would scan to the end from each "(" of a huge text.
const MAX_DATE_CHARS = 200;

/** The time a feed's date text means, or null when it cannot be read; a date without a zone is read as UTC. */
export function parseFeedDate(value: unknown): Date | null {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_DATE_CHARS) return null;
  const time = Date.parse(withExplicitZone(value.trim()));
  return Number.isNaN(time) ? null : new Date(time);
}

function withExplicitZone(text: string): string {
  const named = text.match(NAMED_ZONE);
  const offset = named?.[1] === undefined ? undefined : ZONE_OFFSETS[named[1].toUpperCase()];
  if (named !== null && offset !== undefined) return `${text.slice(0, named.index)} ${offset}`;
  // A date alone in ISO form is UTC midnight already; "2026-12-05T10:00:00" takes a Z ("… UTC" is unreadable there).
  if (ISO_DATE_ONLY.test(text) || ANY_ZONE.test(text)) return text;
  return ISO_DATE_TIME.test(text) ? `${text}Z` : `${text} UTC`;
}
