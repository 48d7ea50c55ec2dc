// Polish phenomena the scorer must hear, one table each; every case was labelled neutral by the English-only
// scorer before it.
import { describe, expect, it } from 'vitest';
import { scoreSentiment } from '../score-sentiment.js';
import { detokenizePolish } from './detokenize.js';

const polish = (text: string) => scoreSentiment(text, { language: 'pl' });
const scoreOf = (text: string) => polish(text).score as number;

describe('Polish sentiment', () => {
  it.each([
    ['Okropna obsługa', 'negative'],
    ['Okropne jedzenie, okropnej jakości', 'negative'],
    ['Zorbly jest okropny', 'negative'],
    ['Swietny produkt', 'positive'],
    ['Jestem niezadowolony', 'negative'],
  ] as const)('inflected and "nie-" prefixed forms: %s → %s', (text, label) => {
    expect(polish(text).label).toBe(label);
  });

  it.each([
    ['Zorbly jest okropny, nie polecam', 'negative'],
    ['Nie polecam', 'negative'],
    ['Nie jest dobrze', 'negative'],
    ['Jest dobrze', 'positive'],
    ['Bez sensu', 'negative'],
    ['Nie działa', 'negative'],
    ['Nigdy więcej', 'negative'],
  ] as const)('negation: %s → %s', (text, label) => {
    expect(polish(text).label).toBe(label);
  });

  it.each([
    ['Zle, nie polecam', 'negative'],
    ['Obsluga okropna', 'negative'],
    ['Zly produkt', 'negative'],
  ] as const)('text written without Polish letters: %s → %s', (text, label) => {
    expect(polish(text).label).toBe(label);
  });

  it.each([
    ['Fajny sklep, ale obsługa fatalna', 'negative'],
    ['Drogo, ale warto', 'positive'],
    ['Zorbly 🙄', 'negative'],
    ['Zorbly 🥳', 'positive'],
  ] as const)('contrast and emoji: %s → %s', (text, label) => {
    expect(polish(text).label).toBe(label);
  });

  it('makes intensified praise and complaints stronger', () => {
    expect(scoreOf('Produkt jest bardzo dobry')).toBeGreaterThan(scoreOf('Produkt jest dobry'));
    expect(scoreOf('Produkt jest dobry')).toBeGreaterThan(0);
    expect(scoreOf('Strasznie słaba jakość')).toBeLessThan(scoreOf('Słaba jakość'));
    expect(scoreOf('Słaba jakość')).toBeLessThan(0);
  });

  it.each(['Przesyłka dotarła w środę.', 'Sklep jest czynny od poniedziałku do piątku.'])('labels factual text neutral: %s', (text) => {
    expect(polish(text).label).toBe('neutral');
  });

  it('labels PolEmo-style tokenised text as its detokenised form', () => {
    const tokenised = 'Zdecydowanie nie jest on lekarzem , którego by m poleciła .';
    expect(detokenizePolish(tokenised)).toBe('Zdecydowanie nie jest on lekarzem, którego bym poleciła.');
    expect(detokenizePolish('Nie wiem , co chciał em powiedzieć ( chyba nic ) !')).toBe('Nie wiem, co chciałem powiedzieć (chyba nic)!');
  });

  it('tells short Polish from English when the source does not say', () => {
    expect(scoreSentiment('Polecam Zorbly', { language: 'auto' }).lang).toBe('pl');
    expect(scoreSentiment('Zorbly jest okropny, nie polecam', { language: 'auto' })).toMatchObject({ lang: 'pl', label: 'negative' });
  });
});
