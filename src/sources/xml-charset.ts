// Decodes a fetched XML body to a string: byte-order mark, else HTTP charset, else the XML prolog, else UTF-8.
import { TextDecoder } from 'node:util';

const CHARSET_PARAMETER = /charset\s*=\s*["']?([^"';\s]+)/i;
const PROLOG_ENCODING = /^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']/i;

export function decodeXmlBody(body: Buffer, contentType: string | null): string {
  const label = byteOrderMarkCharset(body) ?? httpCharset(contentType) ?? prologCharset(body) ?? 'utf-8';
  return decodeWith(label, body);
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
