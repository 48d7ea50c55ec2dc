// Prometheus' own parser and linter for the text exposition format (`promtool check metrics`, from the Debian
// package `prometheus`), so a test sees /metrics exactly as a Prometheus server would: a second HELP line for one
// name, a malformed sample or a bad label is a parse error, a counter without _total a lint problem.
import { spawn } from 'node:child_process';

export interface PromtoolVerdict {
  /** 0: valid and lint-clean; 1: parse error; 3: lint problems. */
  code: number | null;
  output: string;
}

export function promtoolCheckMetrics(exposition: string): Promise<PromtoolVerdict> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', (error) => reject(new Error(`cannot run promtool (apt-get install prometheus): ${error.message}`)));
    child.once('close', (code) => resolve({ code, output: output.trim() }));
    child.stdin.end(exposition);
  });
}

/** Every sample line, name{labels} → value, for exact assertions. */
export function sampleValues(exposition: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of exposition.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const split = line.lastIndexOf(' ');
    samples.set(line.slice(0, split), Number(line.slice(split + 1)));
  }
  return samples;
}
