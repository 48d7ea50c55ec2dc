// What search sources ask their APIs for: each brand's query or keywords in the API's syntax, never narrower.
import { describe, expect, it } from 'vitest';
import type { BrandConfig } from '../../src/config/schema.js';
import { brandSearches, distinctSearches } from '../../src/sources/brand-search.js';

const brand = (id: string, fields: Partial<BrandConfig>): BrandConfig => ({ id, name: id.toUpperCase(), exclude: [], competitors: [], ...fields });

describe('brandSearches', () => {
  it('ORs a keyword brand for APIs with OR and searches each keyword for those without', () => {
    const acme = brand('acme', { keywords: ['acme', 'acme corp', '#acme'], exclude: ['acme fruit'] });
    expect(brandSearches([acme], 'reddit')).toEqual([{ brandId: 'acme', queries: ['("acme" OR "acme corp")'] }]);
    expect(brandSearches([acme], 'algolia')).toEqual([{ brandId: 'acme', queries: ['acme', 'acme corp'] }]);
  });

  it('translates a query brand and drops what would narrow the search', () => {
    const acme = brand('acme', { query: '("acme corp" OR acme) AND NOT "acme fruit" lang:en' });
    expect(brandSearches([acme], 'google-news')).toEqual([{ brandId: 'acme', queries: ['("acme corp" OR acme)'] }]);
  });

  it('falls back to the positive terms and wildcard stems when the query cannot be sent as it is', () => {
    const acme = brand('acme', { query: 'acme OR acm*' });
    expect(brandSearches([acme], 'reddit')).toEqual([{ brandId: 'acme', queries: ['acme', 'acm'] }]);
  });

  it('asks once for a search two brands share', () => {
    const searches = brandSearches([brand('a', { keywords: ['acme'] }), brand('b', { keywords: ['acme'] })], 'gdelt');
    expect(distinctSearches(searches)).toEqual(['"acme"']);
  });
});
