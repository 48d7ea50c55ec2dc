// The dashboard: GET / sends the browser to /dashboard/, which serves the single-page app built by `npm run build`
// (scripts/build-web.mjs bundles src/api/web/ with uPlot into dist/web/). Every dashboard answer carries a strict
// Content-Security-Policy (helmet): the page runs only its own script and style files and talks only to this origin.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { ApiError, ErrorCode } from '../errors.js';

export const DASHBOARD_PREFIX = '/dashboard/';

/**
 * The policy the dashboard runs under. No inline script or style anywhere (uPlot sizes its elements through the
 * CSSOM, which style-src does not govern); connect-src 'self' covers fetch and the EventSource stream.
 */
export const DASHBOARD_CSP = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

/**
 * Where the built assets are: dist/web/ under the package root, found by walking up from this module, so the same
 * code finds them when run from source (tsx: src/api/routes/) and compiled (dist/src/api/routes/).
 */
export function dashboardAssetsDir(from = dirname(fileURLToPath(import.meta.url))): string | null {
  for (let directory = from; ; directory = dirname(directory)) {
    if (existsSync(join(directory, 'package.json'))) {
      const assets = join(directory, 'dist', 'web');
      return existsSync(join(assets, 'index.html')) ? assets : null;
    }
    if (dirname(directory) === directory) return null;
  }
}

export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect(DASHBOARD_PREFIX));
  const assets = dashboardAssetsDir();
  // Its own encapsulated context: helmet's headers go on dashboard answers only, not on the JSON API or /docs.
  await app.register(async (dashboard) => {
    await dashboard.register(helmet, {
      // Only the policy's own directives: helmet's defaults would add upgrade-insecure-requests, which breaks a
      // dashboard opened over plain HTTP on a LAN address (every script fetch would be sent to https://).
      contentSecurityPolicy: { useDefaults: false, directives: DASHBOARD_CSP },
      // Whether HTTPS is enforced is the TLS proxy's decision, not this process's.
      strictTransportSecurity: false,
      referrerPolicy: { policy: 'no-referrer' },
    });
    if (assets === null) {
      dashboard.get(`${DASHBOARD_PREFIX}*`, { schema: { hide: true } }, async () => {
        throw new ApiError(ErrorCode.unavailable, 'the dashboard is not built: run npm run build (it writes dist/web/)');
      });
      return;
    }
    await dashboard.register(fastifyStatic, {
      root: assets,
      prefix: DASHBOARD_PREFIX,
      // /dashboard → /dashboard/
      redirect: true,
      // Short names without hashes: the browser revalidates (ETag) so a new build is picked up at once.
      cacheControl: true,
      maxAge: 0,
    });
  });
}
