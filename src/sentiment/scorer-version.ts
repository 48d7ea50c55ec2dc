// Which scorer labelled a stored mention. Bump SCORER_VERSION whenever a change to the scorers (rules, word lists,
// models, thresholds, supported languages) can change a label or a score: `buzzwatch rescore` then relabels every
// mention stored by an older version, and only those. Version 1 is wink-sentiment, before languages were told apart.
export const SCORER_VERSION = 2;
