// A process's own log goes to stdout written by the thread that logs, not handed to libuv's thread pool line by line.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('createLogger', () => {
  it('writes to stdout synchronously by default', () => {
    const stream = (createLogger('info') as unknown as Record<symbol, { fd: number; sync: boolean }>)[pino.symbols.streamSym];
    expect({ fd: stream?.fd, sync: stream?.sync }).toEqual({ fd: 1, sync: true });
  });
});
