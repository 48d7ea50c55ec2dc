import { describe, expect, it } from 'vitest';
import { cleanHeadline } from './headline.js';

describe('cleanHeadline', () => {
  it.each([
    ['UPDATE 3-Libyan navy attacks ship carrying oil from rebel port; PM sacked', 'Libyan navy attacks ship carrying oil from rebel port; PM sacked'],
    ['ECB FOCUS-Stronger euro drowns out message', 'Stronger euro drowns out message'],
    ['SEC Asks Municipal Bond Sellers to Report Disclosure Breach (2)', 'SEC Asks Municipal Bond Sellers to Report Disclosure Breach'],
    ['Acme recalls 37,000 vans over brake fault - Reuters', 'Acme recalls 37,000 vans over brake fault'],
    ['Acme recalls vans | Fox News', 'Acme recalls vans'],
    ['Titanfall Release Date Update: Xbox One Bundle Price Sale on Discount From  ...', 'Titanfall Release Date Update: Xbox One Bundle Price Sale on Discount From'],
    ['VIDEO: Apple lands CarPlay', 'Apple lands CarPlay'],
    // Two passes: the byline goes in the first, the version tag it hid in the second.
    ['VIDEO: Oil prices rise sharply in Asia (2) - Reuters', 'Oil prices rise sharply in Asia'],
  ])('%s', (title, cleaned) => {
    expect(cleanHeadline(title)).toBe(cleaned);
  });

  it('keeps a lower-case ending that is part of the headline', () => {
    expect(cleanHeadline('ECB unlikely to end sterilisation of SMP purchases - traders')).toBe(
      'ECB unlikely to end sterilisation of SMP purchases - traders',
    );
  });
});
