import fc from 'fast-check';
import type { z } from 'zod';

/**
 * A small zod-4 walker: a protocol schema → a fast-check arbitrary of payloads shaped like it. It reads the schema's
 * definition (`_zod.def`: object shapes, string/number checks, enums, literals, arrays, optional/default, unions,
 * pipes), so a field added to a schema is fuzzed without touching this file. Values are "mostly valid": refinements
 * the walker cannot see (`.refine`, custom checks) may fail, which is why the fuzzer classifies every generated
 * payload with the schema itself before predicting the server's answer.
 *
 * `hints` override the generator for a field name (any depth; `name[]` for the elements of an array field), so
 * semantic fields (user names, conversation ids) draw from the fixture's real values as well as from random ones.
 */
export type Hints = Record<string, fc.Arbitrary<unknown> | undefined>;

interface Check {
  check: string;
  minimum?: number;
  maximum?: number;
  length?: number;
  format?: string;
  pattern?: RegExp;
  value?: number;
  inclusive?: boolean;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  checks?: { _zod: { def: Check } }[];
  format?: string;
  pattern?: RegExp;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  out?: z.ZodType;
  entries?: Record<string, string | number>;
  values?: unknown[];
  defaultValue?: unknown;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The schema's object shape (a strict object at the top of every request schema), or undefined. */
export function shapeOf(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const def = defOf(schema);
  return def.type === 'object' ? def.shape : undefined;
}

function checksOf(def: Def): Check[] {
  return (def.checks ?? []).map((c) => c._zod.def);
}

function stringArbitrary(def: Def): fc.Arbitrary<string> {
  const checks = checksOf(def);
  let min = 0;
  let max = 40;
  let pattern: RegExp | undefined = def.pattern;
  for (const c of checks) {
    if (c.check === 'min_length' && c.minimum !== undefined) min = c.minimum;
    if (c.check === 'max_length' && c.maximum !== undefined) max = c.maximum;
    if (c.check === 'length_equals' && c.length !== undefined) min = max = c.length;
    if (c.check === 'string_format' && c.pattern) pattern = c.pattern;
  }
  if (def.format === 'uuid') return fc.uuid();
  if (def.format === 'datetime') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (pattern) {
    const source = pattern.source;
    // A character-class pattern (`^[...]+$`): build strings of exactly the wanted length from its alphabet.
    const cls = /^\^(\[[^\]]+\])\+\$$/.exec(source);
    if (cls?.[1]) {
      const one = new RegExp(`^${cls[1]}$`);
      const char = fc.stringMatching(one).filter((s) => s.length === 1);
      return fc.array(char, { minLength: min, maxLength: max }).map((a) => a.join(''));
    }
    return fc.stringMatching(pattern).filter((s) => s.length >= min && s.length <= max);
  }
  return fc.string({ unit: 'binary', minLength: min, maxLength: max });
}

function numberArbitrary(def: Def): fc.Arbitrary<number> {
  let min = -1_000_000;
  let max = 1_000_000;
  let int = false;
  for (const c of checksOf(def)) {
    if (c.check === 'number_format' && (c.format === 'safeint' || c.format === 'int32')) int = true;
    if (c.check === 'greater_than' && c.value !== undefined) min = c.inclusive ? c.value : c.value + (int ? 1 : Number.EPSILON);
    if (c.check === 'less_than' && c.value !== undefined) max = c.inclusive ? c.value : c.value - (int ? 1 : Number.EPSILON);
  }
  if (int) {
    const lo = Math.max(min, Number.MIN_SAFE_INTEGER);
    const hi = Math.min(max, lo + 1_000_000_000);
    // Bias to the edges: bounds and their neighbours are where off-by-one errors live.
    return fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: lo, max: hi }) },
      { weight: 1, arbitrary: fc.constantFrom(lo, hi, Math.min(lo + 1, hi), Math.max(hi - 1, lo)) },
    );
  }
  return fc.double({ min, max, noNaN: true });
}

const OMIT = Symbol('omit');

const defaultBytes: fc.Arbitrary<unknown> = fc
  .tuple(fc.constantFrom('buffer', 'uint8array', 'arraybuffer'), fc.uint8Array({ minLength: 1, maxLength: 120 }))
  .map(([kind, bytes]) => {
    if (kind === 'buffer') return Buffer.from(bytes);
    if (kind === 'arraybuffer') return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    return bytes;
  });

/** An arbitrary of values shaped like `schema`; `hints` by field name take precedence. */
export function arbitraryFor(schema: z.ZodType, hints: Hints = {}, field?: string): fc.Arbitrary<unknown> {
  const hinted = field === undefined ? undefined : hints[field];
  if (hinted) return hinted;
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      // Optional fields are left out three times in four: a payload with every optional field set is often one the
      // schema's cross-field rules refuse (a welcome without a commit), and the valid ones are the interesting ones.
      const parts: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, value] of Object.entries(def.shape ?? {})) {
        const t = defOf(value).type;
        const arb = arbitraryFor(value, hints, key);
        parts[key] = t === 'optional' || t === 'default' ? fc.oneof({ weight: 3, arbitrary: fc.constant(OMIT) }, { weight: 1, arbitrary: arb }) : arb;
      }
      return fc.record(parts).map((r) => {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(r)) if (v !== OMIT) out[k] = v;
        return out;
      });
    }
    case 'string':
      return stringArbitrary(def);
    case 'number':
      return numberArbitrary(def);
    case 'boolean':
      return fc.boolean();
    case 'literal':
      return fc.constantFrom(...(def.values ?? [null]));
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case 'array': {
      let max = 4;
      for (const c of checksOf(def)) if (c.check === 'max_length' && c.maximum !== undefined) max = Math.min(max, c.maximum);
      return fc.array(arbitraryFor(def.element as z.ZodType, hints, `${field ?? ''}[]`), { maxLength: max });
    }
    case 'optional':
    case 'default':
    case 'nullable':
      return arbitraryFor(def.innerType as z.ZodType, hints, field);
    case 'union':
      return fc.oneof(...(def.options ?? []).map((o) => arbitraryFor(o, hints, field)));
    case 'pipe':
      return arbitraryFor(def.in as z.ZodType, hints, field);
    case 'custom':
      // The protocol's custom schemas are bytes (message bodies, MLS objects): Buffer, Uint8Array or ArrayBuffer.
      return defaultBytes;
    default:
      throw new Error(`arbitraryFor: no generator for a ${def.type} schema at ${field ?? '(root)'}: add a hint`);
  }
}
