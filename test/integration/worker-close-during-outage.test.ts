// Redis dies while a stopping worker waits for its job, and the job ends after that: the process must go on (its
// timers fire, so it can exit). With the worker's own connection ended by closeWorker's disconnect, BullMQ retried the
// job's completion without a pause, a loop of promises that froze the event loop for good (see createWorkerConnection).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/cli-process.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/private-redis.js';
import { uniqueName } from '../helpers/services.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/close-worker-during-outage.ts', import.meta.url));
/** A budget for the process to start, run its steps and exit; a frozen one never exits and is killed at its end. */
const BUDGET_MS = 45_000;

describe('a worker closing while Redis dies during its job', () => {
  let redis: PrivateRedis | undefined;

  afterEach(async () => {
    await redis?.destroy();
  });

  it('leaves the event loop running once the job ends', async () => {
    redis = await startPrivateRedis();
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, redis.url, uniqueName('bwq')], {
      cwd: PROJECT_ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines: string[] = [];
    const waiters = new Map<string, () => void>();
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const parts = (pending + chunk).split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        waiters.get(line)?.();
      }
    });
    const announced = (line: string) => new Promise<void>((resolve) => (lines.includes(line) ? resolve() : waiters.set(line, resolve)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const budget = setTimeout(() => child.kill('SIGKILL'), BUDGET_MS);
    try {
      await announced('closing');
      await redis.kill();
      await announced('close returned');
      child.stdin.write('finish\n');
      expect(await exited).toBe(0);
      expect(lines).toEqual(['active', 'closing', 'close returned', 'timers still fire']);
    } finally {
      clearTimeout(budget);
      child.kill('SIGKILL');
    }
  }, 2 * BUDGET_MS);
});
