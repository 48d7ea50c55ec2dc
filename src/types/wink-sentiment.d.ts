// Type declarations for wink-sentiment 5, which ships none.
declare module 'wink-sentiment' {
  export interface WinkToken {
    value: string;
    tag: 'word' | 'hashtag' | 'emoji' | 'emoticon' | 'punctuation' | 'number' | 'mention' | 'url' | 'email' | string;
    score?: number;
    negation?: boolean;
    grouped?: number;
  }
  export interface WinkSentiment {
    score: number;
    normalizedScore: number;
    tokenizedPhrase?: WinkToken[];
  }
  export default function sentiment(phrase: string): WinkSentiment;
}
