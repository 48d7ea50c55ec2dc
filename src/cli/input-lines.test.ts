import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { inputLines } from './input-lines.js';

async function linesOf(...chunks: Buffer[]): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of inputLines(Readable.from(chunks))) lines.push(line);
  return lines;
}

describe('standard input lines', () => {
  it('drop a UTF-8 byte-order mark at the start, even split across chunks', async () => {
    expect(await linesOf(Buffer.from('\uFEFF{"id":"a"}\n{"id":"b"}\n'))).toEqual(['{"id":"a"}', '{"id":"b"}']);
    expect(await linesOf(Buffer.from([0xef]), Buffer.from([0xbb, 0xbf]), Buffer.from('I love it\n'))).toEqual(['I love it']);
  });

  it('keep the mark anywhere else, where it is text', async () => {
    expect(await linesOf(Buffer.from('a\n\uFEFFb\n'))).toEqual(['a', '\uFEFFb']);
  });

  it('read CRLF and LF line ends, blank lines, and a last line without an end', async () => {
    expect(await linesOf(Buffer.from('a\r\n\r\nb\nc'))).toEqual(['a', '', 'b', 'c']);
    expect(await linesOf()).toEqual([]);
  });
});
