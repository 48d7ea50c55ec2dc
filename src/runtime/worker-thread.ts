// Starting a worker thread from a script beside the caller, compiled (dist, .js) or run from source (tsx, vitest: .ts).
import { extname } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The URL of the thread script `name` beside `callerUrl` (import.meta.url), with the caller's own extension. */
export function siblingScript(name: string, callerUrl: string): URL {
  return new URL(`./${name}${extname(new URL(callerUrl).pathname)}`, callerUrl);
}

/** A worker thread running `script`; a .ts script gets tsx's loader first. */
export function startWorkerThread(script: URL, options: WorkerOptions = {}): Worker {
  return script.pathname.endsWith('.ts') ? new Worker(typescriptEntry(script), { ...options, eval: true }) : new Worker(script, options);
}

/**
 * Run from source (tsx in development, vitest in tests), a thread must register tsx's loader before it imports a .ts
 * file: a worker's entry script is loaded before the hooks of an inherited `--import tsx` apply (Node 20).
 */
function typescriptEntry(script: URL): string {
  const tsxApi = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(script.href)}); })`;
}
