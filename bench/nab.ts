// Benchmark: the default volume_spike rule (backtestCsv, exactly as live alerting decides) on the NAB development set,
// scored with the NAB v1.1 scorer per folder (standard, low-FP, low-FN) and per file for diagnosis.
// Usage: npm run bench:nab [-- --data DIR] [-- --sensitivity low|medium|high|NUMBER]   (env: NAB_DATA; default
// ../shared/data/nab-dev from the repository root). The labels (windows.json) are read where they lie, never copied.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { backtestCsv } from '../src/spikes/csv-backtest.js';
import {
  NAB_PROFILES,
  NAB_PROFILE_LIST,
  scoreNab,
  scoreNabFile,
  type NabFileInput,
} from '../src/spikes/nab-scorer.js';
import type { Sensitivity } from '../src/spikes/spike-detector.js';

const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

function argumentValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function dataDirectory(): string {
  return resolve(argumentValue('--data') ?? process.env.NAB_DATA ?? join(REPO_ROOT, '..', 'shared', 'data', 'nab-dev'));
}

function sensitivityArgument(): Sensitivity | undefined {
  const text = argumentValue('--sensitivity');
  if (text === undefined) return undefined;
  if (text === 'low' || text === 'medium' || text === 'high') return text;
  const threshold = Number(text);
  if (!Number.isFinite(threshold)) throw new Error(`--sensitivity must be low, medium, high or a number, got ${text}`);
  return threshold;
}

type WindowLabels = Record<string, [string, string][]>;

function readLabels(dataDir: string): WindowLabels {
  const labelsPath = join(dataDir, 'windows.json');
  if (!existsSync(labelsPath)) throw new Error(`no windows.json in ${dataDir} (set --data DIR or NAB_DATA)`);
  return JSON.parse(readFileSync(labelsPath, 'utf8')) as WindowLabels;
}

function filesByFolder(labels: WindowLabels): Map<string, string[]> {
  const folders = new Map<string, string[]>();
  for (const relativePath of Object.keys(labels).sort()) {
    const [folder] = relativePath.split('/');
    if (folder === undefined) continue;
    folders.set(folder, [...(folders.get(folder) ?? []), relativePath]);
  }
  return folders;
}

const fixed = (value: number) => value.toFixed(1).padStart(6);

function main(): void {
  const dataDir = dataDirectory();
  const labels = readLabels(dataDir);
  const sensitivity = sensitivityArgument();
  const started = performance.now();
  let rowCount = 0;
  console.log(`NAB v1.1 scores of the default volume_spike rule (sensitivity ${sensitivity ?? 'medium'}), ${dataDir}`);
  for (const [folder, relativePaths] of filesByFolder(labels)) {
    const inputs: NabFileInput[] = relativePaths.map((relativePath) => {
      const rows = backtestCsv(readFileSync(join(dataDir, relativePath), 'utf8'), { sensitivity });
      rowCount += rows.length;
      return {
        name: relativePath.slice(folder.length + 1),
        timestamps: rows.map((row) => row.timestamp),
        alerts: rows.map((row) => row.alert),
        windows: labels[relativePath] ?? [],
      };
    });
    const folderScores = NAB_PROFILE_LIST.map((profile) => scoreNab(inputs, profile).score);
    console.log(
      `\n${folder}: standard ${folderScores[0]?.toFixed(1)}  low-FP ${folderScores[1]?.toFixed(1)}  ` +
        `low-FN ${folderScores[2]?.toFixed(1)}`,
    );
    console.log('  file                                  std  lowFP  lowFN  alerts  windows hit  FP');
    for (const input of inputs) {
      const perFile = NAB_PROFILE_LIST.map((profile) => scoreNab([input], profile).score);
      const detail = scoreNabFile(input, NAB_PROFILES.standard);
      const alerts = input.alerts.filter((alert) => alert === 1).length;
      console.log(
        `  ${input.name.padEnd(34)}${perFile.map(fixed).join(' ')}  ${String(alerts).padStart(6)}  ` +
          `${`${detail.detectedWindows}/${detail.windows}`.padStart(11)}  ${String(detail.falsePositives).padStart(3)}`,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`\n${rowCount} rows in ${seconds.toFixed(2)} s`);
}

main();
