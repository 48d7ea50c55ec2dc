// Figures several rule types show, worded alike: counts against their baseline, spread over sites and authors.
import type { AlertFact, RuleCounts } from '../alert-event.js';
import { baselineInWords, countInWords, percentInWords, ratioInWords } from '../alert-wording.js';

/** "37 (usual ≈ 6.2)" under `label`, then "6× the usual rate" when there is a baseline. */
export function countAgainstBaseline(label: string, count: number, counts: Pick<RuleCounts, 'baseline' | 'ratio'>): AlertFact[] {
  const usual = counts.baseline === null ? '' : ` (usual ≈ ${baselineInWords(counts.baseline)})`;
  const facts = [{ label, value: `${countInWords(count)}${usual}` }];
  if (counts.ratio !== null) facts.push({ label: 'Versus usual', value: `${ratioInWords(counts.ratio)} the usual rate` });
  return facts;
}

/** "Negative share: 64% (usual 18%)", when the window has mentions with a known sentiment. */
export function negativeShareFigure(counts: Pick<RuleCounts, 'negativeShare' | 'usualNegativeShare'>): AlertFact[] {
  if (counts.negativeShare === null) return [];
  const usual = counts.usualNegativeShare === null ? '' : ` (usual ${percentInWords(counts.usualNegativeShare)})`;
  return [{ label: 'Negative share', value: `${percentInWords(counts.negativeShare)}${usual}` }];
}

/** Sites, and authors when any mention named one. */
export function spreadFigures(counts: Pick<RuleCounts, 'sites' | 'authors'>): AlertFact[] {
  const facts = [{ label: 'Sites', value: countInWords(counts.sites) }];
  if (counts.authors > 0) facts.push({ label: 'Authors', value: countInWords(counts.authors) });
  return facts;
}
