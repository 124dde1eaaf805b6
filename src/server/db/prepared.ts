import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import type { Db } from './connect.js';

/**
 * Hot queries compiled once. Kysely builds and compiles a query anew on every call; under load that was a quarter of
 * the server's time (bench/README.md). `prepared(build)` builds a query once per dialect and per *shape* of its
 * parameters (which keys, how long each list), with a placeholder in place of every parameter value, and keeps the
 * SQL; later calls only fill in the values, in the order Kysely put them. The database layer keeps the statement
 * prepared (connect.ts).
 *
 * The one rule for `build`: it must not look at the values (no `if (p.x)`): it may only pass them to Kysely. The first
 * calls of each shape are checked against a normal build with the real values, so a builder that breaks the rule
 * fails its tests at once rather than running the wrong SQL.
 */
export function prepared<P extends object, O>(build: (db: Db, params: P) => Compilable<O>): (db: Db, params: P) => Promise<QueryResult<O>> {
  const byDialect = new WeakMap<object, Map<string, Template<O>>>();
  return async (db, params) => {
    const adapter = db.getExecutor().adapter;
    let templates = byDialect.get(adapter);
    if (!templates) byDialect.set(adapter, (templates = new Map<string, Template<O>>()));
    const leaves: unknown[] = [];
    const shape: string[] = [];
    walk(params, leaves, shape);
    const key = shape.join('');
    let template = templates.get(key);
    if (!template) {
      const compiled = build(db, placeholders(params, { next: 0 }) as P).compile();
      template = { compiled, slots: compiled.parameters.map((p) => (p instanceof Placeholder ? p : { value: p })), checks: CHECKED_CALLS };
      if (templates.size >= MAX_SHAPES) templates.delete(templates.keys().next().value ?? '');
      templates.set(key, template);
    }
    const parameters = template.slots.map((slot) => (slot instanceof Placeholder ? leaves[slot.index] : slot.value));
    if (template.checks > 0) {
      template.checks--;
      assertSameQuery(template.compiled.sql, parameters, build(db, params).compile());
    }
    return db.executeQuery<O>({ ...template.compiled, parameters });
  };
}

/** Shapes kept per query (a batch's lists take up to a few hundred lengths). */
const MAX_SHAPES = 600;
/** Calls of each new shape checked against a normal build. */
const CHECKED_CALLS = 2;

interface Template<O> {
  compiled: CompiledQuery<O>;
  slots: (Placeholder | { value: unknown })[];
  checks: number;
}

/** Stands for the `index`-th value (in walk order) while the query is built. */
class Placeholder {
  constructor(readonly index: number) {}
}

/** A value Kysely binds as one parameter (not a list or an object of further values). */
const isLeaf = (v: unknown): boolean =>
  v === null || typeof v !== 'object' || v instanceof Uint8Array || v instanceof ArrayBuffer || v instanceof Date;

/**
 * One walk over the parameters: their values in order (`leaves`) and their shape (`shape`): which keys hold lists or
 * objects, each list's length, and which values are null or undefined (Kysely compiles `is null` and leaves
 * undefined columns out, so those change the SQL). Keys are parameter and column names (no `:`, brackets or braces),
 * so the shape's text names one shape.
 */
function walk(value: unknown, leaves: unknown[], shape: string[]): void {
  if (value === null) shape.push('n');
  else if (value === undefined) shape.push('u');
  else if (isLeaf(value)) {
    shape.push('v');
    leaves.push(value);
  } else if (Array.isArray(value)) {
    shape.push('[');
    for (const v of value) walk(v, leaves, shape);
    shape.push(']');
  } else {
    shape.push('{');
    const record = value as Record<string, unknown>;
    for (const k of Object.keys(record)) {
      shape.push(k, ':');
      walk(record[k], leaves, shape);
    }
    shape.push('}');
  }
}

/** The same structure with a placeholder for each value, numbered in walk order (null and undefined kept). */
function placeholders(value: unknown, counter: { next: number }): unknown {
  if (value === null || value === undefined) return value;
  if (isLeaf(value)) return new Placeholder(counter.next++);
  if (Array.isArray(value)) return value.map((v) => placeholders(v, counter));
  const record = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(record).map((k) => [k, placeholders(record[k], counter)]));
}

function assertSameQuery(sql: string, parameters: unknown[], fresh: CompiledQuery): void {
  const same = fresh.sql === sql && fresh.parameters.length === parameters.length && fresh.parameters.every((p, i) => sameValue(p, parameters[i]));
  if (!same) throw new Error(`prepared: the query's SQL depends on its values, not only on their shape: ${fresh.sql}`);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return Object.is(a, b);
}
