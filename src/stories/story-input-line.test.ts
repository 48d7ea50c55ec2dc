import { describe, expect, it } from 'vitest';
import { DEFAULT_STORY_BRAND, parseStoryInputLine } from './story-input-line.js';

describe('parseStoryInputLine', () => {
  it('reads a line without a brand as the default brand', () => {
    const line = '{"id":"10","title":"Acme recalls vans","url":"https://a.example/x","site":"a.example","published_at":"2014-03-10T16:55:01.265000Z"}';
    expect(parseStoryInputLine(line)).toEqual({
      brandId: DEFAULT_STORY_BRAND,
      mention: { id: '10', time: Date.parse('2014-03-10T16:55:01.265Z'), title: 'Acme recalls vans', text: null, url: 'https://a.example/x' },
    });
  });

  it('reads the brand and the text when given', () => {
    const parsed = parseStoryInputLine('{"id":"1","title":"T","text":"body","url":"u","published_at":"2026-01-01T00:00:00Z","brand":"acme"}');
    expect(parsed.brandId).toBe('acme');
    expect(parsed.mention.text).toBe('body');
  });

  it.each([
    ['{"title":"T","url":"u","published_at":"2026-01-01T00:00:00Z"}', '"id" must be a non-empty string'],
    ['{"id":"1","title":5,"url":"u","published_at":"2026-01-01T00:00:00Z"}', '"title" must be a string'],
    ['{"id":"1","title":"T","url":"u","published_at":"yesterday"}', '"published_at" is not an ISO 8601 time: "yesterday"'],
    ['{"id":"1","title":"T","url":"u"}', '"published_at" must be a non-empty string'],
    ['[1]', 'not a JSON object'],
  ])('rejects %s', (line, message) => {
    expect(() => parseStoryInputLine(line)).toThrow(message);
  });

  it('rejects a line that is not JSON', () => {
    expect(() => parseStoryInputLine('{"id":')).toThrow(/^not JSON: /);
  });
});
