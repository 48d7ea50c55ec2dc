// A config key whose schema is a union without an errorMessage of its own: the problem names what is allowed, or for
// a union of shapes told apart by a key, what is wrong in the shape the value names, never "expected union value".
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { schemaProblems } from './schema-problems.js';

const Channel = Type.Union([
  Type.Object({ type: Type.Literal('slack'), url: Type.String() }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal('email'), to: Type.Array(Type.String(), { minItems: 1, errorMessage: 'needs at least one address' }) },
    { additionalProperties: false },
  ),
]);

const Section = Type.Object(
  {
    mode: Type.Optional(Type.Union([Type.Literal('fast'), Type.Literal('careful')])),
    level: Type.Optional(Type.Union([Type.Literal('low'), Type.Literal('high'), Type.Number({ minimum: 1, maximum: 30 })])),
    told: Type.Optional(Type.Union([Type.Literal('a'), Type.Literal('b')], { errorMessage: '{value} is not a letter here (use a or b)' })),
    channels: Type.Optional(Type.Array(Channel)),
  },
  { additionalProperties: false },
);

describe('schema problems of a union without its own message', () => {
  it('lists the values a union of literals allows', () => {
    expect(schemaProblems(Section, { mode: 'quick' }, 'section')).toEqual([{ path: 'section.mode', message: '"quick" is not one of fast, careful' }]);
  });

  it('names literals and the range of a number for a mixed union', () => {
    expect(schemaProblems(Section, { level: 99 })).toEqual([{ path: 'level', message: '99 is not low, high or a number from 1 to 30' }]);
    expect(schemaProblems(Section, { level: 'medium' })).toEqual([{ path: 'level', message: '"medium" is not low, high or a number from 1 to 30' }]);
  });

  it('keeps the message a union gives', () => {
    expect(schemaProblems(Section, { told: 'c' })).toEqual([{ path: 'told', message: '"c" is not a letter here (use a or b)' }]);
  });

  it('reports the problems of the shape a union of shapes is told by, at their own keys', () => {
    const channels = [
      { type: 'email', to: [] },
      { type: 'slack', url: 5, colour: 'red' },
      { type: 'slack', url: 'https://hooks.example/x' },
    ];
    expect(schemaProblems(Section, { channels })).toEqual([
      { path: 'channels[0].to', message: 'needs at least one address' },
      { path: 'channels[1].colour', message: 'is not a known key (known: type, url)' },
      { path: 'channels[1].url', message: 'expected string' },
    ]);
  });

  it('says which values the telling key takes when it names no shape or is missing', () => {
    expect(schemaProblems(Section, { channels: [{ type: 'pager' }, { url: 'https://hooks.example/x' }] })).toEqual([
      { path: 'channels[0].type', message: '"pager" is not one of slack, email' },
      { path: 'channels[1].type', message: 'is required (use slack or email)' },
    ]);
  });

  it('never quotes the password of a URL given where a literal belongs', () => {
    const [problem] = schemaProblems(Section, { mode: 'https://user:hunter2@example.com/' });
    expect(problem?.path).toBe('mode');
    expect(problem?.message).not.toContain('hunter2');
  });
});
