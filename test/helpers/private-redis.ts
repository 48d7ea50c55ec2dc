// A private redis-server on a free loopback port, for tests that need Redis to go away and come back without
// touching the shared instance.
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort } from './ports.js';

export interface PrivateRedis {
  url: string;
  port: number;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and directory. */
  restart(): Promise<void>;
  /** Kills it with SIGKILL (no chance to write anything more) and waits for it to be gone. */
  kill(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open, commands get no answer, as with a hung server. */
  pause(): void;
  /** Stops it for good and removes its directory. */
  destroy(): Promise<void>;
}

export interface PrivateRedisOptions {
  /** Persist every write to an append-only file, as docker-compose runs Redis (there with a sync every second). */
  appendOnly?: boolean;
  /**
   * A Redis Cluster of one node holding every slot: plain clients work, and a command or script touching keys of
   * different slots fails with CROSSSLOT, exactly as on a real cluster.
   */
  cluster?: boolean;
}

export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const port = await closedPort();
  const dir = mkdtempSync(join(tmpdir(), 'bw-redis-'));
  let child: ChildProcess | null = null;

  const start = async () => {
    // appendfsync always: the test kills Redis right after a write and must find it again, deterministically.
    const persistence = options.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    const cluster = options.cluster ? ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf')] : [];
    const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...persistence, ...cluster], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = server;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('Ready to accept connections')) {
          server.stdout?.off('data', onData);
          resolve();
        }
      };
      server.stdout?.on('data', onData);
      server.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before it was ready: ${output}`)));
      server.once('error', reject);
    });
    // Keep draining its output so a chatty server never blocks on a full pipe.
    server.stdout?.resume();
    server.stderr?.resume();
    if (options.cluster) await claimAllSlots(port);
  };

  const stopWith = async (signal: NodeJS.Signals) => {
    const running = child;
    child = null;
    if (running === null || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill(signal);
    await exited;
  };
  const stop = () => stopWith('SIGTERM');

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    restart: start,
    kill: () => stopWith('SIGKILL'),
    pause() {
      child?.kill('SIGSTOP');
    },
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Makes a fresh cluster node own all 16384 slots (a restarted one still does), then waits for the cluster to be ok. */
async function claimAllSlots(port: number): Promise<void> {
  const admin = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  try {
    await admin.connect();
    const assigned = (await admin.call('CLUSTER', 'INFO')) as string;
    if (!/cluster_slots_assigned:16384/.test(assigned)) await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    // The node turns its state to ok on its next cron run (every 100 ms); nothing announces it.
    while (!/cluster_state:ok/.test((await admin.call('CLUSTER', 'INFO')) as string)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    admin.disconnect();
  }
}
