import type { z } from 'zod';
import { ERROR_CODES, ErrorBody, type ErrorCode } from '../../src/protocol/errors.js';
import { AppError } from '../../src/server/errors.js';

/**
 * What every answer must look like, and the run's book-keeping: counts per route/event and outcome, and the
 * violations found (each with enough of its case to reproduce it by hand).
 */

export type Expectation =
  /** The input is invalid: it must be refused with one of these codes, and change nothing. */
  | { type: 'reject'; codes: readonly ErrorCode[]; why: string }
  /** The input is valid (or the prediction is deliberately loose): success, or one of these documented refusals. */
  | { type: 'open'; codes: readonly ErrorCode[]; why: string }
  /** No acknowledgement was given: the server must not answer and must do nothing. */
  | { type: 'silent'; why: string }
  /** The frame is over the size limit or does not decode: the server closes the connection, and does nothing. */
  | { type: 'disconnect'; why: string }
  /**
   * A frame within a few bytes of the limit (the real ack id's digits decide): the connection closes, or the answer
   * is judged by `fits`.
   */
  | { type: 'boundary'; fits: Expectation; why: string }
  /** A hand-made frame: the server may handle it or close the connection; it must not change state unless `runs`. */
  | { type: 'raw'; runs: boolean; why: string };

export interface Violation {
  target: string;
  problem: string;
  detail: string;
}

const KNOWN = new Set<string>(ERROR_CODES);

/** Short, printable description of any payload (huge strings and deep nesting summarised). */
export function describe(v: unknown, budget = 400): string {
  const seen = new WeakSet<object>();
  const walk = (x: unknown, depth: number): unknown => {
    if (typeof x === 'string') return x.length > 60 ? `${JSON.stringify(x.slice(0, 40)).slice(1, -1)}…(${x.length} chars)` : x;
    if (typeof x === 'number' && (Number.isNaN(x) || !Number.isFinite(x) || Object.is(x, -0))) return `<${Object.is(x, -0) ? '-0' : String(x)}>`;
    if (x === undefined) return '<undefined>';
    if (typeof x === 'bigint') return `<${String(x)}n>`;
    if (typeof x !== 'object' || x === null) return x;
    if (x instanceof ArrayBuffer) return `<ArrayBuffer ${x.byteLength}>`;
    if (ArrayBuffer.isView(x)) return `<${x.constructor.name} ${x.byteLength}>`;
    if (seen.has(x)) return '<cycle>';
    seen.add(x);
    if (depth > 4) return Array.isArray(x) ? '<[deep]>' : '<{deep}>';
    if (Array.isArray(x)) return x.length > 8 ? [...x.slice(0, 8).map((y) => walk(y, depth + 1)), `…(${x.length})`] : x.map((y) => walk(y, depth + 1));
    const out: Record<string, unknown> = {};
    const keys = Object.keys(x);
    for (const k of keys.slice(0, 12)) out[k === '__proto__' ? '["__proto__"]' : k] = walk((x as Record<string, unknown>)[k], depth + 1);
    if (keys.length > 12) out['…'] = `${keys.length} keys`;
    const proto: unknown = Object.getPrototypeOf(x);
    if (proto !== Object.prototype && proto !== null && !Array.isArray(x)) out['<class>'] = x.constructor?.name;
    return out;
  };
  const text = JSON.stringify(walk(v, 0)) ?? String(v);
  return text.length > budget ? `${text.slice(0, budget)}…` : text;
}

export class Ledger {
  readonly counts = new Map<string, Map<string, number>>();
  readonly violations: Violation[] = [];
  cases = 0;

  count(target: string, outcome: string): void {
    this.cases += 1;
    const row = this.counts.get(target) ?? new Map<string, number>();
    row.set(outcome, (row.get(outcome) ?? 0) + 1);
    this.counts.set(target, row);
  }

  violation(target: string, problem: string, detail: string): void {
    this.violations.push({ target, problem, detail });
  }

  /** One line per route/event (cases and outcomes), then the totals and `violations: N`. */
  summary(label: string, wallMs: number): string {
    const lines = [`fuzz summary (${label})`];
    const targets = [...this.counts.keys()].sort();
    for (const t of targets) {
      const row = this.counts.get(t) ?? new Map<string, number>();
      const total = [...row.values()].reduce((a, b) => a + b, 0);
      const parts = [...row.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}=${n}`);
      lines.push(`  ${t.padEnd(34)} ${String(total).padStart(7)}  ${parts.join(' ')}`);
    }
    lines.push(`  cases: ${this.cases}  targets: ${targets.length}  wall: ${(wallMs / 1000).toFixed(1)} s  violations: ${this.violations.length}`);
    for (const v of this.violations.slice(0, 30)) lines.push(`  VIOLATION ${v.target}: ${v.problem} — ${v.detail}`);
    return lines.join('\n');
  }
}

/**
 * Checks one refusal body `{ error: { code, message } }`: a documented code, never INTERNAL, and (for HTTP) the
 * status of the code's family. Returns the code, or a problem.
 */
export function checkErrorBody(body: unknown, httpStatus?: number): { code: ErrorCode } | { problem: string } {
  const parsed = ErrorBody.safeParse(body);
  if (!parsed.success) return { problem: `not an error body {error:{code,message}}: ${describe(body, 200)}` };
  const { code } = parsed.data.error;
  if (!KNOWN.has(code)) return { problem: `undocumented code ${code}` };
  if (code === 'INTERNAL') return { problem: 'INTERNAL error' };
  if (httpStatus !== undefined) {
    const expected = new AppError(code, '').status;
    // Request line and headers over Node's 16 KiB are refused by the HTTP parser: 431, the status made for it.
    const alsoOk = code === 'PAYLOAD_TOO_LARGE' && httpStatus === 431;
    if (httpStatus !== expected && !alsoOk) return { problem: `status ${httpStatus} for ${code} (expected ${expected})` };
  }
  return { code };
}

/** Judges an answer against its expectation. Returns the outcome label, or a problem. */
export function judge(
  expectation: Expectation,
  answer: { ok: true; data: unknown } | { ok: false; body: unknown; status?: number },
  response: z.ZodType | undefined,
): { outcome: string } | { problem: string } {
  if (answer.ok) {
    if (expectation.type === 'reject') return { problem: `accepted an invalid input (${expectation.why})` };
    if (response) {
      const r = response.safeParse(answer.data);
      if (!r.success) return { problem: `success answer does not match the response schema: ${r.error.issues[0]?.message ?? ''} at ${r.error.issues[0]?.path.join('.') ?? ''}` };
    }
    return { outcome: 'ok' };
  }
  const checked = checkErrorBody(answer.body, answer.status);
  if ('problem' in checked) return checked;
  const allowed = expectation.type === 'reject' || expectation.type === 'open' ? expectation.codes : [];
  if (!allowed.includes(checked.code)) {
    return { problem: `answered ${checked.code}, expected ${expectation.type === 'reject' ? '' : 'success or '}${allowed.join('/') || '(nothing)'} (${expectation.why})` };
  }
  return { outcome: checked.code };
}
