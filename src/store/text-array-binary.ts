// PostgreSQL's binary form of a one-dimensional text[] (array_send's layout), for a `$n::text[]` parameter: pg sends a
// Buffer parameter in binary format, and PostgreSQL reads each element with text_recv. The scorer's mention columns
// go this way rather than as array literals: no element is quoted or escaped, no literal of half a megabyte is built
// (and flattened to be measured), and PostgreSQL copies each element instead of parsing the literal. The values read
// are the same; so are the refusals (a NUL byte is refused by the same UTF-8 check, with the same message).

const TEXT_OID = 25;
// ndim, has-nulls flag, element type, then per dimension its length and lower bound.
const HEADER_BYTES = 20;
const EMPTY_ARRAY_BYTES = 12;

/** null and undefined are SQL NULL. */
export function textArrayBinary(values: ReadonlyArray<string | null | undefined>): Buffer {
  if (values.length === 0) {
    // As array_send writes an empty array: no dimensions.
    const empty = Buffer.alloc(EMPTY_ARRAY_BYTES);
    empty.writeUInt32BE(TEXT_OID, 8);
    return empty;
  }
  const byteLengths = new Int32Array(values.length);
  let size = HEADER_BYTES;
  let hasNulls = 0;
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (value === null || value === undefined) {
      byteLengths[index] = -1;
      hasNulls = 1;
      size += 4;
    } else {
      const bytes = Buffer.byteLength(value, 'utf8');
      byteLengths[index] = bytes;
      size += 4 + bytes;
    }
  }
  const buffer = Buffer.allocUnsafe(size);
  buffer.writeInt32BE(1, 0);
  buffer.writeInt32BE(hasNulls, 4);
  buffer.writeUInt32BE(TEXT_OID, 8);
  buffer.writeInt32BE(values.length, 12);
  buffer.writeInt32BE(1, 16);
  let offset = HEADER_BYTES;
  for (let index = 0; index < values.length; index++) {
    const bytes = byteLengths[index] as number;
    offset = buffer.writeInt32BE(bytes, offset);
    // Lone surrogates are written as U+FFFD, as pg writes a string parameter (and as byteLength counted them).
    if (bytes > 0) offset += buffer.write(values[index] as string, offset, bytes, 'utf8');
  }
  return buffer;
}
