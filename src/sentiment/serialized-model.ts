// The form a trained LinearModel is shipped in (a generated TypeScript module), and back.
import type { ClassWeights, LinearModel } from './linear-model.js';

export interface SerializedModel {
  bias: ClassWeights;
  numeric: readonly ClassWeights[];
  /** [word, negative, neutral, positive] */
  words: ReadonlyArray<readonly [string, number, number, number]>;
}

export function loadModel(serialized: SerializedModel): LinearModel {
  return {
    bias: serialized.bias,
    numeric: serialized.numeric,
    words: new Map(serialized.words.map(([word, negative, neutral, positive]) => [word, [negative, neutral, positive] as const])),
  };
}

const round = (value: number) => Math.round(value * 1e4) / 1e4;

/** TypeScript source for `model`, exported as `name`; `header` lines become the file's opening comment. */
export function modelSource(name: string, model: LinearModel, header: readonly string[]): string {
  const triple = (weights: ClassWeights) => `[${weights.map(round).join(', ')}]`;
  const words = [...model.words]
    .filter(([, weights]) => weights.some((weight) => Math.abs(weight) >= 1e-4))
    .map(([word, weights]) => `  [${JSON.stringify(word)}, ${weights.map(round).join(', ')}],`);
  return [
    ...header.map((line) => `// ${line}`),
    "import type { SerializedModel } from '../serialized-model.js';",
    '',
    `export const ${name}: SerializedModel = {`,
    `  bias: ${triple(model.bias)},`,
    `  numeric: [${model.numeric.map(triple).join(', ')}],`,
    '  words: [',
    ...words.map((line) => `  ${line}`),
    '  ],',
    '};',
    '',
  ].join('\n');
}
