// Builds the dashboard (src/api/web/) into dist/web/: esbuild bundles the TypeScript with uPlot into app.js and the
// styles (uPlot's stylesheet included) into app.css, beside index.html. Nothing is loaded from a CDN at run time.
// Run by `npm run build`; the browser test calls buildWeb() itself so it never serves a stale bundle.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Writes dist/web/ (or `outdir`) and answers its path. */
export async function buildWeb(outdir = join(root, 'dist', 'web')) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: { app: join(root, 'src/api/web/main.ts') },
    outdir,
    bundle: true,
    format: 'esm',
    minify: true,
    sourcemap: 'linked',
    target: ['chrome111', 'firefox111', 'safari16'],
    legalComments: 'linked',
    logLevel: 'warning',
  });
  copyFileSync(join(root, 'src/api/web/index.html'), join(outdir, 'index.html'));
  return outdir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildWeb();
