// The `buzzwatch` command compiled once per test run, so that every child process a test starts runs node on plain
// JavaScript: started through tsx (node --import tsx src/cli.ts), each child spent ≈ 1.3 s more CPU loading tsx and
// esbuild and transforming its modules, and the suite starts over a hundred of them on two cores.
// It is what tsx does to each file (esbuild, one module per file, types stripped, names kept, source maps), done
// ahead of time into a copy of the tree inside node_modules/.cache (so that packages resolve as from the checkout),
// with what the code reads next to itself: every other file under src/ (migrations, JSON schemas), package.json (the
// version) and a link to dist/ (the dashboard's built assets, found from the package root).
import { copyFileSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { uniqueName } from './services.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The compiled src/cli.ts of this run (absent: run the sources through tsx). */
    compiledCli: string;
  }
}

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE_ROOTS = ['src', 'workers'];
// The dashboard's browser code, built by npm run build into dist/web/ and never imported by the command.
const NOT_PART_OF_THE_COMMAND = join('src', 'api', 'web');

export interface CompiledCli {
  /** The compiled src/cli.ts. */
  entry: string;
  remove(): void;
}

export async function compileCli(): Promise<CompiledCli> {
  const root = join(PROJECT_ROOT, 'node_modules', '.cache', uniqueName('buzzwatch-test-cli'));
  const files = SOURCE_ROOTS.flatMap((directory) => filesUnder(join(PROJECT_ROOT, directory)));
  const isCode = (file: string) => file.endsWith('.ts') && !file.endsWith('.test.ts');
  await build({
    entryPoints: files.filter(isCode),
    outdir: root,
    outbase: PROJECT_ROOT,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node}`,
    sourcemap: 'inline',
    sourcesContent: false,
    minifyWhitespace: true,
    keepNames: true,
    logLevel: 'error',
  });
  for (const file of files.filter((each) => !each.endsWith('.ts'))) {
    const target = join(root, relative(PROJECT_ROOT, file));
    mkdirSync(join(target, '..'), { recursive: true });
    copyFileSync(file, target);
  }
  copyFileSync(join(PROJECT_ROOT, 'package.json'), join(root, 'package.json'));
  symlinkSync(join(PROJECT_ROOT, 'dist'), join(root, 'dist'));
  return { entry: join(root, 'src', 'cli.js'), remove: () => rmSync(root, { recursive: true, force: true }) };
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return relative(PROJECT_ROOT, path) === NOT_PART_OF_THE_COMMAND ? [] : filesUnder(path);
    return [path];
  });
}
