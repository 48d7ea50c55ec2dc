// What a function sends through a pool, and PostgreSQL's plan of it (EXPLAIN's JSON): for tests of a statement's
// shape — which partitions it reads, how many lookups it makes per row — rather than of its answers alone.
import type { Database } from '../../src/store/database.js';

export interface CapturedStatement {
  text: string;
  values: unknown[];
}

/** A node of EXPLAIN (FORMAT JSON); the `Actual` fields only with ANALYZE. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Subplan Name'?: string;
  'Parent Relationship'?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  Filter?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** The pool, except that it keeps every statement sent through it (pg's own query method, forwarded unchanged). */
export function capturingDatabase(database: Database): { database: Database; last: () => CapturedStatement } {
  const sent: CapturedStatement[] = [];
  const capturing = Object.create(database) as Database;
  capturing.query = ((config: { text: string; values?: unknown[] }) => {
    sent.push({ text: config.text, values: config.values ?? [] });
    return database.query(config);
  }) as Database['query'];
  return {
    database: capturing,
    last: () => {
      const statement = sent.at(-1);
      if (statement === undefined) throw new Error('no statement sent');
      return statement;
    },
  };
}

/** The plan of `statement`, run (ANALYZE) unless `analyze` is false. */
export async function planOf(database: Database, statement: CapturedStatement, { analyze = true } = {}): Promise<PlanNode> {
  const options = analyze ? 'ANALYZE, COSTS OFF, FORMAT JSON' : 'FORMAT JSON';
  const { rows } = await database.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (${options}) ${statement.text}`, statement.values);
  const plan = rows[0]?.['QUERY PLAN'][0]?.Plan;
  if (plan === undefined) throw new Error('EXPLAIN returned no plan');
  return plan;
}

/** Every node of the plan, each with whether it runs in a subplan (once per row of the node above it). */
export function planNodes(node: PlanNode, inSubPlan = false): Array<{ node: PlanNode; underSubPlan: boolean }> {
  const underSubPlan = inSubPlan || node['Parent Relationship'] === 'SubPlan';
  return [{ node, underSubPlan }, ...(node.Plans ?? []).flatMap((child) => planNodes(child, underSubPlan))];
}

/** A node's index condition, recheck condition and filter, as one text to match a column's condition in. */
export function conditionsOf(node: PlanNode): string {
  return `${node['Index Cond'] ?? ''} ${node['Recheck Cond'] ?? ''} ${node.Filter ?? ''}`;
}
