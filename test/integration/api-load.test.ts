// Load is not an outage: a burst that finds every pooled connection in use, or a query PostgreSQL cancels at
// api.query_timeout, is 503 BUZZ_ERR_BUSY with Retry-After (never "unreachable"), and one API key sending too
// much is slowed down with 429 and the rate-limit headers while the others go on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, READ_KEY, TEST_API_KEYS, startTestSystem, type TestSystem } from '../helpers/test-system.js';

const CONFIG_YAML = `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
${TEST_API_KEYS}
  # Not shorter: every ordinary query of these cases (the ones that must answer 200) runs under this limit too, and
  # on two cores shared by the whole suite a query that takes milliseconds alone can take hundreds. The case about
  # the timeout holds a lock for as long as it takes, so the limit's size costs that case only its own length.
  query_timeout: 2s
  rate_limit: { max: 1000, window: 1m }
database:
  pool_size: 2
`;

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function get(system: TestSystem, path: string, key: string | null = READ_KEY): Promise<Answer> {
  const response = await fetch(`${system.baseUrl}${path}`, { headers: key === null ? {} : { authorization: `Bearer ${key}` } });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe('an API under load', () => {
  let system: TestSystem;
  // Opened by default (database.prepared_statements); prepared-statements-off.test.ts runs without it.
  const pagePool = () => {
    const pool = system.runtime.pageDatabase;
    if (pool === undefined) throw new Error('the API opened no pool for its pages');
    return pool;
  };

  beforeAll(async () => {
    system = await startTestSystem({ configYaml: CONFIG_YAML, roles: ['api'] });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('sizes its pools from database.pool_size and cancels only its own queries at api.query_timeout', async () => {
    expect(system.runtime.apiDatabase.options.max).toBe(2);
    expect(pagePool().options.max).toBe(2);
    expect(system.runtime.database.options.max).toBe(2);
    const setting = async (database: typeof system.runtime.database) =>
      (await database.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]?.statement_timeout;
    expect(await setting(system.runtime.apiDatabase)).toBe('2s');
    expect(await setting(pagePool())).toBe('2s');
    // Workers store batches on the other pool, with no such limit.
    expect(await setting(system.runtime.database)).toBe('0');
  });

  it('runs API queries without JIT compilation or parallel workers (a page reads a few rows)', async () => {
    const settings = async (database: typeof system.runtime.database) =>
      (
        await database.query<{ jit: string; workers: string; plans: string }>(
          "SELECT current_setting('jit') AS jit, current_setting('max_parallel_workers_per_gather') AS workers, current_setting('plan_cache_mode') AS plans",
        )
      ).rows;
    expect(await settings(system.runtime.apiDatabase)).toEqual([{ jit: 'off', workers: '0', plans: 'auto' }]);
    // The pool of the pages of GET /v1/mentions, prepared by name, plans each once (mention-page-plans.test.ts).
    expect(await settings(pagePool())).toEqual([{ jit: 'off', workers: '0', plans: 'force_generic_plan' }]);
  });

  it('answers BUZZ_ERR_BUSY with Retry-After, not "unreachable", while every connection is taken', async () => {
    // Both pools of the API: its own, and the one its pages of GET /v1/mentions go to.
    const pools = [system.runtime.apiDatabase, pagePool()];
    const held = await Promise.all(pools.flatMap((pool) => [pool.connect(), pool.connect()]));
    let answers: Answer[];
    try {
      answers = await Promise.all(Array.from({ length: 20 }, () => get(system, '/v1/mentions')));
    } finally {
      for (const client of held) client.release();
    }
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('2');
      expect(answer.body).toEqual({
        error: { code: 'BUZZ_ERR_BUSY', message: 'the server is busy: every database connection is in use; retry shortly' },
      });
    }
    // Once connections are free again, it answers.
    expect((await get(system, '/v1/mentions')).status).toBe(200);
  });

  it('answers a burst of 200 concurrent reads on two connections with data or BUZZ_ERR_BUSY, never as an outage', async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_unused, index) => get(system, index % 2 === 0 ? '/v1/mentions?limit=5' : '/v1/brands')),
    );
    const outcomes = new Set(answers.map((answer) => (answer.status === 200 ? 200 : `${answer.status} ${answer.body.error?.code}`)));
    expect([...outcomes].filter((outcome) => outcome !== 200 && outcome !== '503 BUZZ_ERR_BUSY')).toEqual([]);
    expect(outcomes.has(200)).toBe(true);
  });

  it('answers a query cancelled at api.query_timeout with BUZZ_ERR_BUSY saying how to narrow it', async () => {
    // A table locked by someone else keeps the query waiting past its timeout, as a slow search would run past it.
    const locker = await system.db.database.connect();
    let answer: Answer;
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE mentions IN ACCESS EXCLUSIVE MODE');
      answer = await get(system, '/v1/mentions?q=acme');
    } finally {
      await locker.query('ROLLBACK');
      locker.release();
    }
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('2');
    expect(answer.body).toEqual({
      error: {
        code: 'BUZZ_ERR_BUSY',
        message:
          'the query ran longer than 2s (api.query_timeout) and was cancelled: narrow it (a shorter since/until, a rarer q) ' +
          'or retry when the server is less busy',
      },
    });
    expect((await get(system, '/v1/mentions?q=acme')).status).toBe(200);
  });
});

describe('the per-key rate limit', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({
      configYaml: `
brands:
  - { id: acme, name: Acme Corp, keywords: [acme] }
${TEST_API_KEYS}
  rate_limit: { max: 5, window: 1h }
`,
      roles: ['api'],
    });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('answers the request past api.rate_limit.max with 429 and the rate-limit headers, for that key only', async () => {
    // Refused keys do not count: they are turned away before the limit is looked at.
    for (let attempt = 0; attempt < 10; attempt++) expect((await get(system, '/v1/brands', null)).status).toBe(401);
    for (let request = 1; request <= 5; request++) {
      const answer = await get(system, '/v1/brands');
      expect(answer.status, `request ${request}`).toBe(200);
      expect(answer.headers.get('x-ratelimit-limit')).toBe('5');
      expect(answer.headers.get('x-ratelimit-remaining')).toBe(String(5 - request));
    }
    const limited = await get(system, '/v1/brands');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-limit')).toBe('5');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(3500);
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBe(Number(limited.headers.get('retry-after')));
    expect(limited.body).toEqual({
      error: { code: 'BUZZ_ERR_RATE_LIMITED', message: expect.stringMatching(/^more than 5 requests in 1h with the key "reader"; retry in \d+ (hours?|minutes?)$/) },
    });
    // Another key has its own budget.
    expect((await get(system, '/v1/brands', ADMIN_KEY)).status).toBe(200);
  });
});
