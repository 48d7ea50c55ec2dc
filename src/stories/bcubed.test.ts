import { describe, expect, it } from 'vitest';
import { bcubed } from './bcubed.js';

describe('bcubed', () => {
  it('scores a perfect clustering 1 whatever the cluster names', () => {
    expect(bcubed(['x', 'x', 'y'], ['a', 'a', 'b'])).toEqual({ precision: 1, recall: 1, f1: 1 });
  });

  it('scores one cluster per item with full precision and 1/size recall', () => {
    const result = bcubed(['1', '2', '3', '4'], ['a', 'a', 'b', 'b']);
    expect(result.precision).toBe(1);
    expect(result.recall).toBe(0.5);
    expect(result.f1).toBeCloseTo(2 / 3, 12);
  });

  it('scores everything in one cluster with full recall', () => {
    const result = bcubed(['x', 'x', 'x', 'x'], ['a', 'a', 'a', 'b']);
    expect(result.precision).toBeCloseTo((3 * 0.75 + 0.25) / 4, 12);
    expect(result.recall).toBe(1);
  });

  it('averages over the scored items only, with clusters counting every item', () => {
    const result = bcubed(['x', 'x', 'y'], ['a', 'b', 'b'], (item) => item === 0);
    expect(result).toEqual({ precision: 0.5, recall: 1, f1: 2 / 3 });
  });
});
