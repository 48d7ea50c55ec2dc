import { describe, expect, it } from 'vitest';
import { liveEventsKey, parseLiveEntries } from './live-event-log.js';

describe('parseLiveEntries', () => {
  it('reads kind, subject and brands from each entry', () => {
    expect(
      parseLiveEntries([
        ['1-0', ['kind', 'mention', 'subject', 'm1', 'brands', 'acme,globex']],
        ['1-1', ['kind', 'alert', 'subject', 'al_1', 'brands', 'acme']],
      ]),
    ).toEqual([
      { eventId: '1-0', kind: 'mention', subjectId: 'm1', brandIds: ['acme', 'globex'] },
      { eventId: '1-1', kind: 'alert', subjectId: 'al_1', brandIds: ['acme'] },
    ]);
  });

  it('skips entries that are not live events', () => {
    expect(parseLiveEntries([['2-0', ['kind', 'other', 'subject', 'x']], ['2-1', ['kind', 'mention']], ['2-2', []]])).toEqual([]);
  });

  it('reads an entry without brands as concerning none', () => {
    expect(parseLiveEntries([['3-0', ['kind', 'alert', 'subject', 'al_2', 'brands', '']]])).toEqual([
      { eventId: '3-0', kind: 'alert', subjectId: 'al_2', brandIds: [] },
    ]);
  });
});

describe('liveEventsKey', () => {
  it('sits under the prefix (and so its Redis Cluster hash tag)', () => {
    expect(liveEventsKey('{buzzwatch}')).toBe('{buzzwatch}:live-events');
  });
});
