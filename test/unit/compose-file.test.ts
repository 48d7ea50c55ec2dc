// What docker-compose.yml promises a deployment, read from the file itself (no engine needed): the database password
// reaches a buzzwatch role only inside its DATABASE_URL, dependants wait for /readyz, and Redis has a memory limit
// from .env. The docker/healthcheck.mjs script asks the path it is given.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../workers/role.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const PASSWORD_VARIABLE = 'POSTGRES_PASSWORD';
const READY_CHECK = ['CMD', 'node', 'docker/healthcheck.mjs', '/readyz'];

interface Service {
  build?: { dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, unknown> | string[];
  env_file?: unknown;
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
}

// merge: the buzzwatch services take build, environment and healthcheck from the x-buzzwatch anchor with `<<`.
const compose = parse(readFileSync(resolve(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = Object.entries(compose.services);
/** The services that run buzzwatch itself: built from its Dockerfile. */
const roles = services.filter(([, service]) => service.build?.dockerfile === 'docker/Dockerfile').map(([name]) => name);

/** Every string in `value` with where it is, as dotted paths ("environment.DATABASE_URL", "command.3"). */
function stringsIn(value: unknown, path = ''): { path: string; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => stringsIn(inner, path === '' ? key : `${path}.${key}`));
}

/** `${NAME}`, `${NAME:-…}`, `${NAME:?…}` or `$NAME` (not `$$NAME`, which compose passes on as a literal `$NAME`). */
function refersTo(text: string, variable: string): boolean {
  return new RegExp(`(?<!\\$)\\$(\\{${variable}(?![A-Za-z0-9_])|${variable}(?![A-Za-z0-9_]))`).test(text);
}

describe('docker-compose.yml', () => {
  it('runs every buzzwatch role from the one image', () => {
    expect(roles).toEqual([...ROLES]);
  });

  it('gives the database password to no service but PostgreSQL itself, and to each role only inside DATABASE_URL', () => {
    // Every role opens the database (migrations, poll state, mentions, alerts; /readyz checks it): each needs the URL.
    const allowed = new Set(['postgres environment.POSTGRES_PASSWORD', ...roles.map((role) => `${role} environment.DATABASE_URL`)]);
    const found = services.flatMap(([name, service]) =>
      stringsIn(service)
        .filter(({ text }) => refersTo(text, PASSWORD_VARIABLE))
        .map(({ path }) => `${name} ${path}`),
    );
    expect(found.sort()).toEqual([...allowed].sort());
    // An env_file would hand every role all of .env, the password with it.
    expect(services.filter(([, service]) => service.env_file !== undefined).map(([name]) => name)).toEqual([]);
    for (const role of roles) {
      const environment = compose.services[role]!.environment;
      expect(Array.isArray(environment)).toBe(false);
      expect((environment as Record<string, unknown>).DATABASE_URL).toMatch(/^postgres:\/\/\$\{POSTGRES_USER:-\w+\}:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/\w+$/);
    }
  });

  it('has dependants wait for a healthy dependency, a buzzwatch role being healthy when its /readyz answers', () => {
    const awaited = new Set(
      services.flatMap(([, service]) =>
        Array.isArray(service.depends_on) || service.depends_on === undefined
          ? []
          : Object.entries(service.depends_on)
              .filter(([, dependency]) => dependency.condition === 'service_healthy')
              .map(([name]) => name),
      ),
    );
    expect([...awaited].sort()).toEqual(['api', 'postgres', 'redis']);
    for (const name of awaited) {
      const { healthcheck } = compose.services[name]!;
      expect(healthcheck?.disable).not.toBe(true);
      expect(healthcheck?.test, name).toBeDefined();
      if (roles.includes(name)) expect(healthcheck!.test, name).toEqual(READY_CHECK);
    }
    // Each role carries the same check, so whichever a future service waits for is ready, not merely alive.
    for (const role of roles) expect(compose.services[role]!.healthcheck?.test, role).toEqual(READY_CHECK);
  });

  it('starts Redis with a memory limit taken from .env (with a default) and the noeviction policy', () => {
    const { command } = compose.services.redis!;
    const words = typeof command === 'string' ? command.split(/\s+/) : (command ?? []);
    expect(words).toContain('--maxmemory');
    const limit = words[words.indexOf('--maxmemory') + 1] ?? '';
    const [, variable, fallback] = /^\$\{(\w+):-([^}]+)\}$/.exec(limit) ?? [];
    expect(variable).toBe('REDIS_MAXMEMORY');
    expect(fallback).toMatch(/^[1-9]\d*(kb|mb|gb)$/);
    expect(readFileSync(resolve(ROOT, '.env.example'), 'utf8')).toMatch(/^REDIS_MAXMEMORY=[1-9]\d*(kb|mb|gb)$/m);
    expect(words).toContain('--maxmemory-policy');
    expect(words[words.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
  });
});

describe('docker/healthcheck.mjs', () => {
  const asked: string[] = [];
  let status = 200;
  const server = createServer((request, response) => {
    asked.push(request.url ?? '');
    response.writeHead(status).end();
  });
  let port = 0;

  beforeAll(async () => {
    await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolveClose) => server.close(resolveClose));
  });

  /** The script's exit code, run as the compose check runs it, with HEALTH_PORT on the loopback server. */
  async function check(path: string): Promise<number> {
    const environment = { PATH: process.env.PATH, HEALTH_PORT: String(port) };
    try {
      await promisify(execFile)(process.execPath, [resolve(ROOT, 'docker/healthcheck.mjs'), path], { env: environment });
      return 0;
    } catch (error) {
      return (error as { code: number }).code;
    }
  }

  it('asks the path it is given and is healthy only on a 2xx answer', async () => {
    status = 200;
    expect(await check('/readyz')).toBe(0);
    status = 503;
    expect(await check('/readyz')).toBe(1);
    expect(asked).toEqual(['/readyz', '/readyz']);
  });
});
