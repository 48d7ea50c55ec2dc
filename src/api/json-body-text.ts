// The text of a JSON request body, read in the charset its Content-Type declares: UTF-8 by default, UTF-16 (either
// byte order, with or without a byte-order mark) and whatever else the WHATWG Encoding standard names; a charset
// nobody can decode is a 415, bytes that are not valid in the declared charset a 400.
import { TextDecoder } from 'node:util';
import { ApiError, ErrorCode } from './errors.js';

const CHARSET_PARAMETER = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;

/** The charset parameter of a Content-Type header, lower-cased, or null when none is given. */
export function declaredCharset(contentType: string | undefined): string | null {
  const match = contentType === undefined ? null : CHARSET_PARAMETER.exec(contentType);
  if (match === null) return null;
  return (match[1] ?? match[2] ?? '').trim().toLowerCase();
}

/**
 * "utf-16" says nothing about byte order: a byte-order mark decides, else the first character (JSON text starts
 * with an ASCII character, so its zero byte shows the order), else big-endian as RFC 2781 says.
 */
function utf16ByteOrder(body: Buffer): 'utf-16le' | 'utf-16be' {
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  if (body.length >= 2 && body[0] !== 0 && body[1] === 0) return 'utf-16le';
  return 'utf-16be';
}

export function decodeJsonBody(body: Buffer, contentType: string | undefined): string {
  const declared = declaredCharset(contentType);
  const charset = declared === null || declared === '' ? 'utf-8' : declared === 'utf-16' ? utf16ByteOrder(body) : declared;
  let decoder: TextDecoder;
  try {
    // fatal: bytes that are not valid in the charset are refused, not replaced; a byte-order mark is dropped.
    decoder = new TextDecoder(charset, { fatal: true });
  } catch {
    throw new ApiError(ErrorCode.unsupportedMediaType, `charset "${declared}" is not one this API can read; send UTF-8 (or UTF-16)`);
  }
  try {
    return decoder.decode(body);
  } catch {
    throw new ApiError(ErrorCode.validation, `the body is not valid ${decoder.encoding === 'utf-8' ? 'UTF-8' : decoder.encoding}`);
  }
}
