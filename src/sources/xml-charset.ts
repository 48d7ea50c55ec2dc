// Decodes a fetched XML body to a string: byte-order mark, else HTTP charset, else the XML prolog, else UTF-8; a
// single-byte label on bytes that can only be UTF-8 is a mislabel.
import { TextDecoder } from 'node:util';

const CHARSET_PARAMETER = /charset\s*=\s*["']?([^"';\s]+)/i;
const PROLOG_ENCODING = /^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']/i;

export function decodeXmlBody(body: Buffer, contentType: string | null): string {
  const byteOrderMark = byteOrderMarkCharset(body);
  if (byteOrderMark !== null) return decodeWith(byteOrderMark, body);
  const label = httpCharset(contentType) ?? prologCharset(body) ?? 'utf-8';
  if (isSingleByte(label)) {
    const utf8 = asUtf8WithNonAscii(body);
    if (utf8 !== null) return utf8;
  }
  return decodeWith(label, body);
}

// A server's default charset (Apache's AddDefaultCharset ISO-8859-1, a Polish host's ISO-8859-2) often labels UTF-8
// feeds, and "Łódź" arrived as "ÅÃ³dÅº", which no keyword matches. Text in a single-byte charset with letters beyond
// ASCII practically never forms valid UTF-8 (a letter such as "ó" would have to follow "Ã" or "Å" every time), so bytes
// that decode as UTF-8, and need to, are UTF-8 whatever the label says.
const SINGLE_BYTE_ENCODING = /^(iso-8859-\d+(-i)?|windows-\d+|koi8-[ru]|ibm866|macintosh|x-mac-cyrillic)$/;

function isSingleByte(label: string): boolean {
  try {
    return SINGLE_BYTE_ENCODING.test(new TextDecoder(label).encoding);
  } catch {
    return false;
  }
}

/** The body as UTF-8 when it has bytes beyond ASCII and is valid UTF-8; else null. */
function asUtf8WithNonAscii(body: Buffer): string | null {
  if (!body.some((byte) => byte >= 0x80)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return null;
  }
}

function byteOrderMarkCharset(body: Buffer): string | null {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  return null;
}

function httpCharset(contentType: string | null): string | null {
  return contentType?.match(CHARSET_PARAMETER)?.[1] ?? null;
}

function prologCharset(body: Buffer): string | null {
  // The prolog is ASCII in every encoding a feed uses in practice, so latin1 reads it safely.
  return body.subarray(0, 256).toString('latin1').match(PROLOG_ENCODING)?.[1] ?? null;
}

function decodeWith(label: string, body: Buffer): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  // TextDecoder drops a byte-order mark itself.
  return decoder.decode(body);
}
