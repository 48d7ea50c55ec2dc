import { describe, expect, it } from 'vitest';
import { formatSseComment, formatSseEvent, formatSseRetry } from './sse-format.js';

describe('SSE formatting', () => {
  it('writes an event as event, id and data lines ended by a blank line', () => {
    expect(formatSseEvent({ event: 'mention', id: '1-0', data: '{"id":"m1"}' })).toBe('event: mention\nid: 1-0\ndata: {"id":"m1"}\n\n');
  });

  it('splits data on every kind of line break into data lines', () => {
    expect(formatSseEvent({ event: 'x', id: '2-0', data: 'a\nb\r\nc\rd' })).toBe('event: x\nid: 2-0\ndata: a\ndata: b\ndata: c\ndata: d\n\n');
  });

  it('refuses a line break in the event name or id, which would inject a field', () => {
    expect(() => formatSseEvent({ event: 'mention\ndata: forged', id: '1-0', data: '{}' })).toThrow(/line break/);
    expect(() => formatSseEvent({ event: 'mention', id: '1-0\nevent: alert', data: '{}' })).toThrow(/line break/);
  });

  it('writes comments and the retry field', () => {
    expect(formatSseComment('heartbeat')).toBe(': heartbeat\n\n');
    expect(formatSseRetry(3000)).toBe('retry: 3000\n\n');
  });
});
