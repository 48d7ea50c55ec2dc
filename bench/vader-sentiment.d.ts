// Type declarations for vader-sentiment 1.1 (the JavaScript port bench:sentiment compares against), which ships none.
declare module 'vader-sentiment' {
  export const SentimentIntensityAnalyzer: {
    polarity_scores(text: string): { neg: number; neu: number; pos: number; compound: number };
  };
}
