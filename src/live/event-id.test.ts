import { describe, expect, it } from 'vitest';
import { compareEventIds, parseEventId } from './event-id.js';

describe('parseEventId', () => {
  it('accepts a Redis stream entry id, trimmed', () => {
    expect(parseEventId('1764890000000-0')).toBe('1764890000000-0');
    expect(parseEventId(' 1764890000000-12 ')).toBe('1764890000000-12');
  });

  it('refuses anything else, so that no client text reaches Redis as a range bound', () => {
    for (const text of [undefined, '', '-', '+', '$', '0', '1764890000000', '1764890000000-', 'abc-1', '1-2-3', '(1-0', '1e3-0', '9999999999999999-0']) {
      expect(parseEventId(text)).toBeNull();
    }
  });
});

describe('compareEventIds', () => {
  it('orders by time, then by sequence, numerically rather than as text', () => {
    expect(compareEventIds('999-0', '1000-0')).toBeLessThan(0);
    expect(compareEventIds('1000-10', '1000-9')).toBeGreaterThan(0);
    expect(compareEventIds('1000-2', '1000-2')).toBe(0);
  });
});
