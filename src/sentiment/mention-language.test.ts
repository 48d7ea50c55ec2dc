import { describe, expect, it } from 'vitest';
import { detectLanguage, GUESS_SAMPLE_LENGTH, mentionLanguage, type LanguageGuesser } from './mention-language.js';

/** A guesser that records what it was asked and answers `answer`. */
function recordingGuesser(answer: { lang: string; accuracy: number } | null): LanguageGuesser & { asked: string[] } {
  const asked: string[] = [];
  const guess = (text: string) => {
    asked.push(text);
    return answer === null ? [] : [answer];
  };
  return Object.assign(guess, { asked });
}

describe('mentionLanguage', () => {
  it('takes a declared language without detecting anything', () => {
    const detected: string[] = [];
    const detector = (text: string) => {
      detected.push(text);
      return 'en';
    };
    expect(mentionLanguage('pl-PL', 'The service was great and the staff were kind.', detector)).toBe('pl');
    expect(mentionLanguage('EN_gb', 'Obsługa była świetna.', detector)).toBe('en');
    expect(detected).toEqual([]);
  });

  it('detects when the declaration is no language tag', () => {
    const detector = (text: string) => (text.startsWith('Obsługa') ? 'pl' : null);
    expect(mentionLanguage('  ', 'Obsługa była świetna.', detector)).toBe('pl');
    expect(mentionLanguage(null, 'Obsługa była świetna.', detector)).toBe('pl');
  });
});

describe('detectLanguage', () => {
  it('reads English naming a Polish city as English from its cue words, without asking tinyld', () => {
    const guesser = recordingGuesser({ lang: 'pl', accuracy: 0.6 });
    const text = 'Prices in Łódź and Kraków went up and the new release from Acme came up again. People love it.';
    expect(detectLanguage(text, guesser)).toBe('en');
    expect(guesser.asked).toEqual([]);
  });

  it('counts cue words ending or starting beyond ASCII, in any case, and no word that only shares their ends', () => {
    const guesser = recordingGuesser({ lang: 'en', accuracy: 0.9 });
    expect(detectLanguage('JUŻ był, ŻE się źle', guesser)).toBe('pl');
    expect(guesser.asked).toEqual([]);
    // "tit", "nee", "ide", "ja", "byk" share a cue word's length and first or last letter: no votes, so tinyld is asked.
    expect(detectLanguage('tit nee ide ja byk', guesser)).toBe('en');
    expect(guesser.asked).toEqual(['tit nee ide ja byk']);
  });

  it('does not count a cue word of both languages ("to") against either', () => {
    // Five English cue words with both "to"s, two Polish ones: short of the margin unless "to" counts for neither.
    const guesser = recordingGuesser({ lang: 'de', accuracy: 0.9 });
    expect(detectLanguage('It was the plan to go to Berlin', guesser)).toBe('en');
    expect(guesser.asked).toEqual([]);
  });

  it('asks tinyld when the cue words are mixed, and only about the first characters of a long text', () => {
    const guesser = recordingGuesser({ lang: 'de', accuracy: 0.9 });
    const text = `Der Kundendienst war nicht erreichbar. ${'Wir warten immer noch auf eine Antwort. '.repeat(40)}`;
    expect(detectLanguage(text, guesser)).toBe('de');
    expect(guesser.asked).toEqual([text.slice(0, GUESS_SAMPLE_LENGTH)]);
  });

  it('keeps an unsure guess only where cue words agree', () => {
    expect(detectLanguage('super sklep', recordingGuesser({ lang: 'tr', accuracy: 0.3 }))).toBe('pl');
    expect(detectLanguage('qwerty zxcv', recordingGuesser({ lang: 'tr', accuracy: 0.3 }))).toBeNull();
  });
});
