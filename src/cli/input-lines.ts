// The lines of a command's standard input (sentiment, stories): LF or CRLF line ends, the last line with or without
// one, and a UTF-8 byte-order mark at the very start dropped. Windows tools (Notepad, PowerShell's Out-File) write
// that mark; kept, it became part of the first line, so stories refused line 1 as "not JSON" and sentiment scored
// a different text.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

const BYTE_ORDER_MARK = '\uFEFF';

export async function* inputLines(input: Readable): AsyncGenerator<string> {
  let first = true;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    yield first && line.startsWith(BYTE_ORDER_MARK) ? line.slice(BYTE_ORDER_MARK.length) : line;
    first = false;
  }
}
