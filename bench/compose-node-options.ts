// The NODE_OPTIONS docker-compose.yml gives a role's container, so that a benchmark starts that role's process with the
// same V8 settings a deployment runs it with (the api's larger young generation), read from the file users start.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

interface ComposeFile {
  services?: Record<string, { environment?: Record<string, unknown> } | undefined>;
}

/** NODE_OPTIONS of `service` in `root`'s docker-compose.yml ('' when it sets none). */
export function composeNodeOptions(root: string, service: string): string {
  // merge: the services take their shared environment from the x-buzzwatch anchor with `<<`.
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;
  const value = compose.services?.[service]?.environment?.NODE_OPTIONS;
  return typeof value === 'string' ? value : '';
}
