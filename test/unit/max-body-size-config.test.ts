// sources[].max_body_size: written as the README's sizes (512KiB, 20MiB), decoded to bytes, for the kinds that fetch
// over HTTP only, up to 64MiB; every mistake named with its key path.
import { describe, expect, it } from 'vitest';
import { ConfigError, formatProblems } from '../../src/config/config-error.js';
import { parseConfig } from '../../src/config/load-config.js';

const BRANDS = 'brands:\n  - { id: acme, name: Acme, keywords: [acme] }\n';

/** A config of one source: `{ id: news, <fields> }`. */
const oneSource = (fields: string) => `${BRANDS}sources:\n  - { id: news, ${fields} }\n`;
const rss = (extra: string) => oneSource(`type: rss, url: "https://news.example/feed.xml"${extra}`);

function problemsOf(yaml: string): string {
  try {
    parseConfig(yaml, {});
  } catch (error) {
    if (error instanceof ConfigError) return formatProblems(error.problems);
    throw error;
  }
  throw new Error('the config was accepted');
}

const bodyCapOf = (yaml: string) => parseConfig(yaml, {}).sources[0]?.max_body_size;

describe('sources[].max_body_size', () => {
  it.each([
    ['1KiB', 1024],
    ['512KiB', 512 * 1024],
    ['20MiB', 20 * 1024 * 1024],
    ['64MiB', 64 * 1024 * 1024],
  ])('reads %s as %i bytes', (size, bytes) => {
    expect(bodyCapOf(rss(`, max_body_size: ${size}`))).toBe(bytes);
  });

  it('is absent when not given (the client default, 5 MiB, applies)', () => {
    expect(parseConfig(rss(''), {}).sources[0]).not.toHaveProperty('max_body_size');
  });

  it.each(['20MB', '20 MiB', '0MiB', '1.5MiB', '20mib', '5242880', '-1KiB', 'lots'])('refuses %s, naming the key and the spelling', (size) => {
    expect(problemsOf(rss(`, max_body_size: "${size}"`))).toBe(`sources[0].max_body_size: "${size}" is not a size (use 512KiB, 20MiB)`);
  });

  it('refuses a number, which says no unit', () => {
    expect(problemsOf(rss(', max_body_size: 5242880'))).toBe('sources[0].max_body_size: "5242880" is not a size (use 512KiB, 20MiB)');
  });

  it('refuses more than 64MiB', () => {
    expect(problemsOf(rss(', max_body_size: 65MiB'))).toBe('sources[0].max_body_size: "65MiB" is too large (at most 64MiB)');
    expect(problemsOf(rss(', max_body_size: 65537KiB'))).toBe('sources[0].max_body_size: "65537KiB" is too large (at most 64MiB)');
  });

  it('is a key of the search kinds too', () => {
    expect(bodyCapOf(oneSource('type: hackernews, max_body_size: 8MiB'))).toBe(8 * 1024 * 1024);
    expect(bodyCapOf(oneSource('type: mastodon, instance: "https://mastodon.example", max_body_size: 8MiB'))).toBe(8 * 1024 * 1024);
  });

  it('is no key of a webhook source, which fetches nothing', () => {
    expect(problemsOf(oneSource('type: webhook, secret: "0123456789abcdef0123", max_body_size: 8MiB'))).toBe(
      'sources[0].max_body_size: is not a known key (known: id, type, every, brands, expect_every, secret)',
    );
  });
});
