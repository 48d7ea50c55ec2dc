// B-cubed precision, recall and F1 of a clustering against gold clusters (docs/evaluation.md, Stories): for each
// item, the share of its predicted cluster that shares its gold cluster, and the share of its gold cluster that
// shares its predicted cluster, averaged over items.

export interface BCubed {
  precision: number;
  recall: number;
  f1: number;
}

/**
 * `scored` limits the average to some items (one half of the gold stories) while clusters still count every item:
 * how those items fare among all the others.
 */
export function bcubed(predicted: readonly string[], gold: readonly string[], scored?: (item: number) => boolean): BCubed {
  if (predicted.length !== gold.length) throw new Error(`bcubed: ${predicted.length} predictions for ${gold.length} items`);
  if (gold.length === 0) return { precision: 0, recall: 0, f1: 0 };
  const pairCounts = new Map<string, number>();
  const predictedSizes = new Map<string, number>();
  const goldSizes = new Map<string, number>();
  gold.forEach((goldCluster, item) => {
    const predictedCluster = predicted[item] as string;
    const pair = JSON.stringify([predictedCluster, goldCluster]);
    pairCounts.set(pair, (pairCounts.get(pair) ?? 0) + 1);
    predictedSizes.set(predictedCluster, (predictedSizes.get(predictedCluster) ?? 0) + 1);
    goldSizes.set(goldCluster, (goldSizes.get(goldCluster) ?? 0) + 1);
  });
  let precision = 0;
  let recall = 0;
  let items = 0;
  gold.forEach((goldCluster, item) => {
    if (scored !== undefined && !scored(item)) return;
    items += 1;
    const predictedCluster = predicted[item] as string;
    const both = pairCounts.get(JSON.stringify([predictedCluster, goldCluster])) as number;
    precision += both / (predictedSizes.get(predictedCluster) as number);
    recall += both / (goldSizes.get(goldCluster) as number);
  });
  if (items === 0) return { precision: 0, recall: 0, f1: 0 };
  precision /= items;
  recall /= items;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}
