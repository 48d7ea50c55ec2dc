import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Two projects: `unit` is pure code (next to it in src/, or under test/unit/) and needs no service, so it runs
// anywhere with `npm run test:unit`; `services` talks to the real Redis and PostgreSQL (and loopback servers), and
// fails at once with the fix when they are not up.
export default defineConfig({
  test: {
    pool: 'forks',
    // One file per core, not vitest's default of one fewer: most services files spend their time waiting for Redis,
    // PostgreSQL, child processes and loopback servers, and on a 2-core machine that default ran one file at a time.
    maxWorkers: availableParallelism(),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits for what a page or a server does next (a fetch, a render): its own default of 1 s is less
    // than that takes when the whole suite shares two cores (over 1.9 s seen for one poll of the dashboard test).
    expect: { poll: { timeout: 15_000 } },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'workers/**/*.test.ts', 'test/unit/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'services',
          // Real processes, databases and servers on 2 shared cores: a test that takes 3 s alone takes 20–60 s when
          // the whole suite runs at once. A budget, not a wait: a test that passes ends when its events come.
          testTimeout: 60_000,
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/browser/**/*.test.ts'],
          globalSetup: ['test/helpers/global-setup.ts'],
        },
      },
    ],
  },
});
