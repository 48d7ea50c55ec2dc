// The version of the installed package, read from its package.json (next to src/ from a checkout, above dist/ once
// built).
import { existsSync, readFileSync } from 'node:fs';

export function packageVersion(): string {
  for (const relative of ['../../package.json', '../../../package.json']) {
    const file = new URL(relative, import.meta.url);
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === 'buzzwatch' && typeof manifest.version === 'string') return manifest.version;
  }
  return 'unknown';
}
