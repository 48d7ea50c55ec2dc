// Every statement buzzwatch sends to PostgreSQL is written in src/store/: elsewhere code calls its named functions.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** The TypeScript files under `directory`, tests left out, as paths from the repository root. */
function sourceFiles(directory: string): string[] {
  return readdirSync(resolve(ROOT, directory), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => relative(ROOT, join(ROOT, directory, file)));
}

describe('SQL lives in src/store/', () => {
  it('no file of src/ outside src/store/, nor of workers/, queries PostgreSQL or imports its client', () => {
    const files = [...sourceFiles('src'), ...sourceFiles('workers')].filter((file) => !file.startsWith('src/store/'));
    expect(files).toContain('src/alerts/alerter.ts');
    const offending = files.filter((file) => {
      const text = readFileSync(resolve(ROOT, file), 'utf8');
      return /\.query(<[^>]*>)?\(/.test(text) || /from 'pg(-[a-z-]+)?'/.test(text);
    });
    expect(offending).toEqual([]);
  });
});
