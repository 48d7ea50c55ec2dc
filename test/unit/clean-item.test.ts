// cleanSourceItem: what a source produced made storable (no control characters, bounded lengths, plausible dates).
import { describe, expect, it } from 'vitest';
import { MAX_TEXT_LENGTH, MAX_TITLE_LENGTH, cleanSourceItem } from '../../src/mentions/clean-item.js';
import type { SourceItem } from '../../src/mentions/mention.js';

// NUL, the rest of C0 (but tab, LF and CR) and DEL: what PostgreSQL refuses or what no text means to contain.
const CONTROLS = '\u0000\u0001\u0007\u0008\u000b\u000c\u000e\u001b\u001f\u007f';

function itemWith(fields: Partial<SourceItem> = {}): SourceItem {
  return {
    externalId: 'guid-1',
    url: 'https://news.example/story',
    title: 'Acme ships',
    text: 'Acme shipped the anvil.',
    author: 'Jane Doe',
    lang: 'en',
    publishedAt: new Date('2026-11-25T10:00:00Z'),
    reach: 42,
    ...fields,
  };
}

describe('cleanSourceItem control characters', () => {
  it('removes NUL, other C0 controls and DEL from every string field', () => {
    const cleaned = cleanSourceItem(
      itemWith({
        externalId: `gu${CONTROLS}id-1`,
        url: `https://news.example/st${CONTROLS}ory`,
        title: `Acme${CONTROLS} ships`,
        text: `Acme${CONTROLS} shipped the anvil.`,
        author: `Jane${CONTROLS} Doe`,
        lang: `e${CONTROLS}n`,
      }),
    );
    expect(cleaned).toEqual(itemWith());
  });

  it('keeps tab, line feed and carriage return inside the text and the title', () => {
    const cleaned = cleanSourceItem(itemWith({ title: 'Acme\tships\nnow', text: 'line one\r\nline\ttwo\n' }));
    expect(cleaned.title).toBe('Acme\tships\nnow');
    expect(cleaned.text).toBe('line one\r\nline\ttwo\n');
  });

  it('turns optional strings that are empty after cleaning into null', () => {
    const cleaned = cleanSourceItem(
      itemWith({ externalId: '\u0000', url: ` ${CONTROLS} `, title: '\u0000\u0001', author: '\u007f', lang: '' }),
    );
    expect(cleaned).toMatchObject({ externalId: null, url: null, title: null, author: null, lang: null });
  });

  it('trims the optional strings around what it keeps', () => {
    expect(cleanSourceItem(itemWith({ title: '\u0000  Acme ships \n', author: ' Jane Doe\u0007 ' }))).toMatchObject({
      title: 'Acme ships',
      author: 'Jane Doe',
    });
  });

  it('keeps an empty text as the empty string (text is not optional)', () => {
    expect(cleanSourceItem(itemWith({ text: '\u0000' })).text).toBe('');
  });
});

describe('cleanSourceItem lengths', () => {
  it(`cuts the title at ${MAX_TITLE_LENGTH} characters`, () => {
    expect(MAX_TITLE_LENGTH).toBe(1_000);
    expect(cleanSourceItem(itemWith({ title: 't'.repeat(MAX_TITLE_LENGTH + 500) })).title).toBe('t'.repeat(MAX_TITLE_LENGTH));
    expect(cleanSourceItem(itemWith({ title: 't'.repeat(MAX_TITLE_LENGTH) })).title).toBe('t'.repeat(MAX_TITLE_LENGTH));
  });

  it(`cuts the text at ${MAX_TEXT_LENGTH} characters, counted after removing control characters`, () => {
    expect(MAX_TEXT_LENGTH).toBe(100_000);
    expect(cleanSourceItem(itemWith({ text: 'x'.repeat(MAX_TEXT_LENGTH + 1) })).text).toBe('x'.repeat(MAX_TEXT_LENGTH));
    const withNuls = `${'\u0000'.repeat(10)}${'x'.repeat(MAX_TEXT_LENGTH)}`;
    expect(cleanSourceItem(itemWith({ text: withNuls })).text).toBe('x'.repeat(MAX_TEXT_LENGTH));
  });

  it('drops a URL longer than 8000 characters rather than cutting it into another address', () => {
    const base = 'https://news.example/';
    const exactly8000 = `${base}${'a'.repeat(8_000 - base.length)}`;
    expect(cleanSourceItem(itemWith({ url: exactly8000 })).url).toBe(exactly8000);
    expect(cleanSourceItem(itemWith({ url: `${exactly8000}b` })).url).toBeNull();
    expect(cleanSourceItem(itemWith({ url: `${base}${'a'.repeat(20_000)}` })).url).toBeNull();
  });
});

describe('cleanSourceItem dates', () => {
  it.each([
    ['year 20026 (a typo)', new Date(Date.UTC(20026, 0, 1))],
    ['year 1800', new Date('1800-06-01T00:00:00Z')],
    ['an Invalid Date', new Date('not a date')],
  ])('turns %s into null', (_label, publishedAt) => {
    expect(cleanSourceItem(itemWith({ publishedAt })).publishedAt).toBeNull();
  });

  it.each([
    ['2026-11-25T10:00:00.000Z'],
    ['1900-01-01T00:00:00.000Z'],
    ['2200-12-31T23:59:59.000Z'],
  ])('keeps %s', (iso) => {
    expect(cleanSourceItem(itemWith({ publishedAt: new Date(iso) })).publishedAt?.toISOString()).toBe(iso);
  });

  it('keeps a missing date missing', () => {
    expect(cleanSourceItem(itemWith({ publishedAt: null })).publishedAt).toBeNull();
  });
});

describe('cleanSourceItem reach', () => {
  it.each([
    ['NaN', Number.NaN],
    ['a negative number', -1],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('turns %s into null', (_label, reach) => {
    expect(cleanSourceItem(itemWith({ reach })).reach).toBeNull();
  });

  it.each([0, 12.5, 1_000_000])('keeps %d', (reach) => {
    expect(cleanSourceItem(itemWith({ reach })).reach).toBe(reach);
  });

  it('keeps a missing reach missing', () => {
    expect(cleanSourceItem(itemWith({ reach: null })).reach).toBeNull();
  });
});
