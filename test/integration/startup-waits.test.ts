// Start-up and PostgreSQL: ensureDatabaseReachable waits for a server that is still starting (as containers started
// together do), gives up after its timeout with a message naming the server, and leaves an existing database alone.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureDatabaseReachable } from '../../src/store/database.js';
import { TEST_DATABASE_ADMIN_URL, dropDatabase, testDatabaseUrl, uniqueName } from '../helpers/services.js';
import { startDatabaseGateProxy } from '../helpers/database-gate-proxy.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const POSTGRES = new URL(TEST_DATABASE_ADMIN_URL);
const POSTGRES_PORT = Number(POSTGRES.port || 5432);
// How long after the first attempt the proxied server "finishes starting".
const STARTUP_DELAY_MS = 300;

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const databaseOid = (name: string) =>
  withClient(TEST_DATABASE_ADMIN_URL, async (admin) => {
    const { rows } = await admin.query<{ oid: number }>('SELECT oid::int AS oid FROM pg_database WHERE datname = $1', [name]);
    return rows[0]?.oid ?? null;
  });

/** The URL of database `name` reached through `proxy`. */
function urlThrough(proxy: TcpProxy, name: string): string {
  const url = new URL(testDatabaseUrl(name));
  url.host = `127.0.0.1:${proxy.port}`;
  return url.toString();
}

describe('waiting for PostgreSQL at start-up', () => {
  let proxy: TcpProxy;
  const databases: string[] = [];

  const newDatabaseName = () => {
    const name = uniqueName('bwtest_wait');
    databases.push(name);
    return name;
  };

  beforeAll(async () => {
    proxy = await startTcpProxy(POSTGRES.hostname, POSTGRES_PORT);
  });

  afterEach(async () => {
    await proxy.up();
  });

  afterAll(async () => {
    await proxy?.close();
    for (const name of databases) await dropDatabase(name);
  });

  it('waits for a server that comes up after a while, then creates the missing database', async () => {
    const name = newDatabaseName();
    await proxy.down();
    const comingUp = new Promise<void>((resolve, reject) => {
      setTimeout(() => proxy.up().then(resolve, reject), STARTUP_DELAY_MS);
    });
    await ensureDatabaseReachable(urlThrough(proxy, name), 10_000);
    await comingUp;
    expect(await databaseOid(name)).not.toBeNull();
  });

  it('gives up after its timeout with a message naming the server and the time waited', async () => {
    const name = newDatabaseName();
    await proxy.down();
    const waited = ensureDatabaseReachable(urlThrough(proxy, name), 800);
    await expect(waited).rejects.toThrow(`cannot reach PostgreSQL at 127.0.0.1:${proxy.port} within 0.8 s: `);
    await expect(waited).rejects.toThrow(/ECONNREFUSED/);
    expect(await databaseOid(name)).toBeNull();
  });

  it('uses a database that exists as it is, without asking the maintenance database (which may be off-limits)', async () => {
    const name = newDatabaseName();
    await ensureDatabaseReachable(urlThrough(proxy, name), 5_000);
    const oidBefore = await databaseOid(name);
    await withClient(testDatabaseUrl(name), (client) => client.query("CREATE TABLE kept (marker text); INSERT INTO kept VALUES ('here')"));
    // A managed server refuses its `postgres` database to application roles; the database they are given is enough.
    const gate = await startDatabaseGateProxy(POSTGRES.hostname, POSTGRES_PORT, ['postgres']);
    try {
      const existing = new URL(testDatabaseUrl(name));
      existing.host = `127.0.0.1:${gate.port}`;
      await ensureDatabaseReachable(existing.toString(), 5_000);
      expect(gate.databasesAsked).toEqual([name]);

      // A database that is missing there cannot be created, and that is not worth waiting for.
      const missingName = newDatabaseName();
      const missing = new URL(testDatabaseUrl(missingName));
      missing.host = `127.0.0.1:${gate.port}`;
      await expect(ensureDatabaseReachable(missing.toString(), 5_000)).rejects.toThrow(/^permission denied for database "postgres"$/);
      expect(gate.databasesAsked).toEqual([name, missingName, 'postgres']);
      expect(await databaseOid(missingName)).toBeNull();
    } finally {
      await gate.close();
    }

    expect(await databaseOid(name)).toBe(oidBefore);
    const kept = await withClient(testDatabaseUrl(name), (client) => client.query('SELECT marker FROM kept'));
    expect(kept.rows).toEqual([{ marker: 'here' }]);
  });
});
