import { describe, expect, it } from 'vitest';
import { alertEventsOf, mentionEventsOf } from './live-publisher.js';

describe('mentionEventsOf', () => {
  it('makes one event per mention with each newly linked brand once', () => {
    expect(
      mentionEventsOf([
        { mentionId: 'm2', brandId: 'globex' },
        { mentionId: 'm1', brandId: 'acme' },
        { mentionId: 'm2', brandId: 'acme' },
        { mentionId: 'm2', brandId: 'acme' },
      ]),
    ).toEqual([
      { kind: 'mention', subjectId: 'm2', brandIds: ['acme', 'globex'] },
      { kind: 'mention', subjectId: 'm1', brandIds: ['acme'] },
    ]);
  });

  it('makes none for a batch that linked nothing new (a redelivery)', () => {
    expect(mentionEventsOf([])).toEqual([]);
  });
});

describe('alertEventsOf', () => {
  it('makes one event per alert', () => {
    expect(
      alertEventsOf([
        { alertId: 'al_1', brandId: 'acme' },
        { alertId: 'al_2', brandId: 'globex' },
        { alertId: 'al_1', brandId: 'acme' },
      ]),
    ).toEqual([
      { kind: 'alert', subjectId: 'al_1', brandIds: ['acme'] },
      { kind: 'alert', subjectId: 'al_2', brandIds: ['globex'] },
    ]);
  });
});
