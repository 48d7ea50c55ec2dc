// A body's Content-Encoding undone strictly: a compressed body that stops before its end is an error saying so, not
// the part decoded so far (what fetch's lenient decoding gave, read as a short or empty feed).
import { Readable, Transform, pipeline, type TransformCallback } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { OutboundError } from './outbound-error.js';

// As fetch: more codings than this is a resource-exhaustion attempt, not a real server.
const MAX_CODINGS = 5;

/**
 * The decoded chunks of `body`, encoded as `contentEncoding` says (codings applied in order, so undone last first).
 * A coding other than gzip, deflate and br leaves the body as it is, as fetch did.
 */
export function decodedContent(body: AsyncIterable<Uint8Array>, contentEncoding: string | null, host: string): AsyncIterable<Uint8Array> {
  const codings = (contentEncoding ?? '').toLowerCase().split(',').map((coding) => coding.trim()).filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length === 0) return body;
  if (codings.length > MAX_CODINGS) throw new OutboundError('network', `the answer from ${host} has ${codings.length} content codings (at most ${MAX_CODINGS} are read)`);
  if (!codings.every(isKnownCoding)) return body;
  return decodeAll(body, codings.reverse(), host);
}

type Coding = 'gzip' | 'x-gzip' | 'deflate' | 'br';

const isKnownCoding = (coding: string): coding is Coding => coding === 'gzip' || coding === 'x-gzip' || coding === 'deflate' || coding === 'br';

async function* decodeAll(body: AsyncIterable<Uint8Array>, outermostFirst: Coding[], host: string): AsyncGenerator<Uint8Array> {
  const source = Readable.from(body, { objectMode: false });
  const decoders = outermostFirst.map(decoderFor);
  // The first stream to fail is the cause; the pipeline then destroys the others with the same error. A body that
  // broke (a reset, the deadline) is reported as such, not as bad gzip.
  let firstFailure: { error: unknown; coding: Coding | null } | null = null;
  const noteFailure = (coding: Coding | null) => (error: unknown) => (firstFailure ??= { error, coding });
  source.once('error', noteFailure(null));
  decoders.forEach((decoder, index) => decoder.once('error', noteFailure(outermostFirst[index] as Coding)));
  // Leaving this loop early (the caller's size cap) destroys the pipeline, which cancels the body.
  const output = pipeline([source, ...decoders], () => undefined) as unknown as AsyncIterable<Uint8Array>;
  try {
    yield* output;
  } catch (error) {
    const failure = firstFailure as { error: unknown; coding: Coding | null } | null;
    if (failure === null || failure.coding === null) throw failure?.error ?? error;
    throw decodeError(failure.coding, failure.error, host);
  }
}

function decodeError(coding: Coding, error: unknown, host: string): OutboundError {
  const name = coding === 'x-gzip' ? 'gzip' : coding;
  if ((error as { code?: unknown }).code === 'Z_BUF_ERROR') {
    return new OutboundError('network', `the ${name} body from ${host} ended before its end (truncated transfer)`);
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new OutboundError('network', `the ${name} body from ${host} is not valid ${name}: ${detail}`);
}

// Strict: zlib's default finish flush fails on a stream without its end, where fetch's Z_SYNC_FLUSH stopped quietly.
function decoderFor(coding: Coding): Transform {
  if (coding === 'br') return createBrotliDecompress();
  if (coding === 'deflate') return new DeflateDecoder();
  return createGunzip();
}

/**
 * "deflate" is meant to be zlib-wrapped (RFC 9110), but some servers send raw deflate; as fetch does, the first byte
 * tells which (a zlib header's low nibble is 8, its compression method).
 */
class DeflateDecoder extends Transform {
  private inflate: Transform | null = null;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (chunk.length === 0) return callback();
    this.inflate ??= this.started(((chunk[0] ?? 0) & 0x0f) === 0x08 ? createInflate() : createInflateRaw());
    this.inflate.write(chunk, () => callback());
  }

  override _flush(callback: TransformCallback): void {
    const inflate = (this.inflate ??= this.started(createInflate()));
    inflate.once('end', () => callback());
    inflate.end();
  }

  private started(inflate: Transform): Transform {
    inflate.on('data', (decoded: Buffer) => this.push(decoded));
    // The inflater's own error, so that it is recognised as a decoding error.
    inflate.once('error', (error) => this.destroy(error));
    return inflate;
  }
}
