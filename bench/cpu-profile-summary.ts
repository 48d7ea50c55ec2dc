// Reads a V8 .cpuprofile (node --cpu-prof) and totals self time per function, so a bench can print where a process
// spent its CPU without opening DevTools.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { printTable } from './bench-support.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  /** `function (file:line)` (or the file alone), or a V8 pseudo-frame ("(garbage collector)", "(program)"). */
  frame: string;
  ms: number;
  share: number;
}

/** The `top` frames by self time; idle time is left out of the shares (it is waiting, not work). The sample intervals
 * are wall time: a thread that is runnable but waiting for a core counts as busy, so busyMs is no CPU figure. */
export function topSelfTimes(profilePath: string, top = 15): { busyMs: number; frames: SelfTime[]; files: SelfTime[] } {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
  const frameOf = new Map(profile.nodes.map((node) => [node.id, frameName(node)]));
  const selfUs = new Map<string, number>();
  profile.samples.forEach((nodeId, index) => {
    const frame = frameOf.get(nodeId) ?? '?';
    selfUs.set(frame, (selfUs.get(frame) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  selfUs.delete('(idle)');
  const busyUs = [...selfUs.values()].reduce((sum, us) => sum + us, 0);
  const byFile = new Map<string, number>();
  for (const [frame, us] of selfUs) {
    const file = /\(([^()]*):\d+\)$/.exec(frame)?.[1] ?? frame;
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  const ranked = (totals: Map<string, number>) =>
    [...totals.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([frame, us]) => ({ frame, ms: us / 1000, share: busyUs === 0 ? 0 : us / busyUs }));
  return { busyMs: busyUs / 1000, frames: ranked(selfUs), files: ranked(byFile) };
}

function frameName({ callFrame }: ProfileNode): string {
  const name = callFrame.functionName === '' ? '(anonymous)' : callFrame.functionName;
  if (callFrame.url === '') return name;
  const file = callFrame.url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(/^.*\/(src|workers|bench)\//, '$1/');
  return `${name} (${file}:${callFrame.lineNumber + 1})`;
}

/** Prints the top self-time functions and files of the main-thread profile written in `directory` by `processName`. */
export function printProfile(directory: string, processName: string): void {
  // The main thread's profile is the largest: tsx's loader thread writes one too.
  const [file] = readdirSync(directory)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(directory, name))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  if (file === undefined) return console.log(`no .cpuprofile written in ${directory}`);
  const { busyMs, frames, files } = topSelfTimes(file);
  console.log(`\n${processName} CPU profile ${file}: ${(busyMs / 1000).toFixed(1)} s busy (wall time, not CPU: waiting for a core counts as busy); top self time by function and by file:`);
  printTable(['function', 'self ms', 'share'], frames.map((frame) => [frame.frame, frame.ms.toFixed(0), percent(frame.share)]));
  console.log('');
  printTable(['file', 'self ms', 'share'], files.map((each) => [each.frame, each.ms.toFixed(0), percent(each.share)]));
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
