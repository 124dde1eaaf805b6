import fc from 'fast-check';

/**
 * Hostile values and mutations of valid payloads: wrong types, missing and extra fields, huge strings, deep nesting,
 * prototype-pollution keys, unicode edge cases, binary where text is expected, boundary numbers, null/undefined,
 * arrays instead of objects.
 */

/** Keys that pollute prototypes when a careless parser or merge copies them. */
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** What a successful pollution would leave on Object.prototype; checked after every batch. */
export const POLLUTION_MARK = 'parleyFuzzPolluted';

/** Sets an own, enumerable property, even `__proto__` (which plain assignment would turn into a prototype change). */
export function defineKey(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** A structural copy of a payload tree (own keys kept as own keys, binaries shared). */
export function clone(v: unknown, depth = 0): unknown {
  if (depth > 2_000) return v;
  if (Array.isArray(v)) return v.map((x) => clone(x, depth + 1));
  if (isPlainObject(v)) {
    const out = {};
    for (const k of Object.keys(v)) defineKey(out, k, clone(v[k], depth + 1));
    return out;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------------------------
// Unicode and text edge cases

export const UNICODE_EDGES: readonly string[] = [
  '\uD800', // lone high surrogate
  '\uDFFF', // lone low surrogate
  '\uDC00\uD800', // reversed pair
  '\u202E', // right-to-left override
  '\u202Dabc\u202C', // left-to-right override … pop
  '\u2066\u2067\u2068\u2069', // isolates
  '\u200B', // zero-width space
  '\u200C\u200D', // zero-width non-joiner, joiner
  '\uFEFF', // byte-order mark
  '\u0000', // NUL
  'a\u0000b',
  '\u0007\u0008\u001B[31m', // bell, backspace, ANSI escape
  '\r\n', '\u2028\u2029', // line and paragraph separators
  '\u00A0', '\u3000', // non-breaking and ideographic spaces
  '😀', '👩‍👩‍👧‍👦', '🏳️‍🌈', '\u{1F600}'.repeat(20),
  'e\u0301\u0302\u0303\u0304\u0305\u0306\u0307', // stacked combining marks
  'Z̴̡̢̛̗̘̙̜̝̞̟̠̀́̂̃̄̅̆̇̈̉̊̋̌̍̎̏̐̑̒̓̔̽̾̿̀́͂̓̈́͆͊͋͌͐͑͒͗͛',
  'ａｌｉｃｅ', // full-width
  'аlice', // Cyrillic а
  'ALICE', 'Alice',
  'ǅ', 'ß', 'İ', 'ﬃ', // case-mapping oddities
  '\uFFFD', '\uFFFE', '\uFFFF', '\u{10FFFF}',
  '%00', '%ZZ', '..%2f..%2f', '../../etc/passwd', 'C:\\Windows\\',
  "' OR '1'='1' --", '"; DROP TABLE users; --', '\\', '\\u0000',
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '${7*7}', '{{7*7}}', '`id`',
  'null', 'undefined', 'true', 'NaN', '-0', '1e308', '0x10', '[]', '{}',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty',
  '_placeholder', ' ', '\t', '',
];

/** A string with edge-case code units, sometimes glued to ordinary text. */
export const edgeString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...UNICODE_EDGES) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...UNICODE_EDGES), fc.string({ maxLength: 8 }))
      .map(([a, b, c]) => a + b + c),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.array(fc.integer({ min: 0xd800, max: 0xdfff }), { minLength: 1, maxLength: 6 }).map((a) => String.fromCharCode(...a)) },
);

/** Large strings: over the 64 KiB body and frame limits (up to ~100 KB), and just around them. */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(1_000, 10_000, 32 * 1024, 60 * 1024, 64 * 1024 - 64, 64 * 1024 + 1, 66 * 1024, 100 * 1024),
    fc.constantFrom('a', 'é', '😀', '\u0000', '\uD800', '\\', '"'),
  )
  .map(([n, ch]) => ch.repeat(Math.max(1, Math.floor(n / Math.max(1, Buffer.byteLength(ch))))));

// ---------------------------------------------------------------------------------------------------------------
// Numbers, binaries, nesting

export const edgeNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    -0, 0, 1, -1, 0.5, -0.5, 1.5, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 32, 2 ** 53, 2 ** 53 + 2, 2 ** 63,
    Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.MAX_VALUE, -Number.MAX_VALUE, 1e308, -1e308,
    Number.MIN_VALUE, Number.EPSILON, 1e-7, 99.99999999999999, 100.00000000000001, 255, 256, 257, 500, 501,
    Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY,
  ),
  fc.double(),
  fc.integer(),
);

/** Bytes as Node and browsers send them: Buffer, Uint8Array, ArrayBuffer, other views. */
export const binaryValue: fc.Arbitrary<unknown> = fc
  .tuple(fc.constantFrom('buffer', 'uint8array', 'arraybuffer', 'dataview', 'uint16array', 'float64array'), fc.uint8Array({ maxLength: 64 }), fc.constantFrom(0, 0, 0, 65_536, 65_537, 70_000))
  .map(([kind, bytes, pad]) => {
    const data = pad > 0 ? new Uint8Array(pad) : bytes;
    switch (kind) {
      case 'buffer':
        return Buffer.from(data);
      case 'uint8array':
        return new Uint8Array(data);
      case 'arraybuffer':
        return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
      case 'dataview':
        return new DataView(new Uint8Array(data).buffer);
      case 'uint16array':
        return new Uint16Array(new Uint8Array(data.byteLength & ~1).buffer);
      default:
        return new Float64Array(new Uint8Array(data.byteLength & ~7).buffer);
    }
  });

/** Objects and arrays nested up to 1000 deep (with prototype-pollution keys on the way down, sometimes). */
export const deepValue: fc.Arbitrary<unknown> = fc
  .tuple(fc.constantFrom(10, 100, 500, 1000), fc.constantFrom('object', 'array', 'proto', 'mixed'))
  .map(([depth, kind]) => {
    let v: unknown = 'bottom';
    for (let i = 0; i < depth; i++) {
      if (kind === 'array' || (kind === 'mixed' && i % 2 === 0)) v = [v];
      else {
        const o = {};
        defineKey(o, kind === 'proto' ? (PROTO_KEYS[i % PROTO_KEYS.length] ?? '__proto__') : 'a', v);
        v = o;
      }
    }
    return v;
  });

/** An object whose keys try to pollute prototypes, in every shape a JSON parser or merge could trip on. */
export const pollutionValue: fc.Arbitrary<unknown> = fc.constantFrom(...PROTO_KEYS).chain((key) =>
  fc.constantFrom(
    () => {
      const o = {};
      defineKey(o, key, { [POLLUTION_MARK]: true, isAdmin: true });
      return o;
    },
    () => {
      const o = {};
      defineKey(o, 'constructor', { prototype: { [POLLUTION_MARK]: true } });
      return o;
    },
    () => {
      const o = {};
      defineKey(o, key, key);
      return o;
    },
  ).map((make) => make()),
);

/** Anything at all, the wrong type for most fields. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(null, undefined, true, false, 0, '', [], {}) },
  { weight: 3, arbitrary: edgeNumber },
  { weight: 4, arbitrary: edgeString },
  { weight: 1, arbitrary: hugeString },
  { weight: 2, arbitrary: binaryValue },
  { weight: 1, arbitrary: deepValue },
  { weight: 2, arbitrary: pollutionValue },
  {
    weight: 1,
    arbitrary: fc.constantFrom<() => unknown>(
      () => new Date(0),
      () => new Map([['a', 1]]),
      () => new Set([1]),
      () => Object.create(null) as unknown,
      () => ({ _placeholder: true, num: 0 }),
      () => ({ _placeholder: true, num: 7 }),
      (): unknown[] => new Array<number>(10_000).fill(0),
      (): unknown[] => new Array<string>(300).fill('bob'),
      () => ({ length: 1, 0: 'x' }),
      () => [undefined, null],
    ).map((make) => make()),
  },
  { weight: 2, arbitrary: fc.anything({ maxDepth: 3, withNullPrototype: true, withBoxedValues: true, withSparseArray: true, withTypedArray: true }) },
);

// ---------------------------------------------------------------------------------------------------------------
// Mutations of a valid payload

type Path = (string | number)[];

/** Paths to every node of a payload (the root is []), shallow first; nesting past `maxDepth` is not entered. */
function pathsOf(v: unknown, maxDepth = 6): Path[] {
  const out: Path[] = [];
  const walk = (node: unknown, path: Path) => {
    out.push(path);
    if (path.length >= maxDepth) return;
    if (Array.isArray(node)) node.slice(0, 20).forEach((x, i) => walk(x, [...path, i]));
    else if (isPlainObject(node)) for (const k of Object.keys(node)) walk(node[k], [...path, k]);
  };
  walk(v, []);
  return out;
}

function getAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const p of path) node = (node as Record<string | number, unknown>)[p];
  return node;
}

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1] as string | number;
  if (Array.isArray(parent)) parent[last as number] = value;
  else defineKey(parent as object, String(last), value);
  return root;
}

export type MutationOp =
  | 'replace'
  | 'delete'
  | 'extra'
  | 'wrap-array'
  | 'string-edit'
  | 'number-edge'
  | 'replace-root'
  | 'binary-for-text'
  | 'text-for-binary';

export interface Mutation {
  op: MutationOp;
  pick: number;
  value: unknown;
  key: string;
  text: string;
  edit: number;
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom<MutationOp>(
    'replace', 'replace', 'replace', 'delete', 'delete', 'extra', 'extra', 'wrap-array',
    'string-edit', 'string-edit', 'number-edge', 'replace-root', 'binary-for-text', 'text-for-binary',
  ),
  pick: fc.nat(),
  value: nastyValue,
  key: fc.oneof(fc.constantFrom(...PROTO_KEYS, 'admin', 'userId', 'username', 'id', 'role', ''), fc.string({ maxLength: 12 }), edgeString),
  text: fc.oneof(edgeString, hugeString),
  edit: fc.nat(),
});

function editString(s: string, m: Mutation): string {
  switch (m.edit % 9) {
    case 0:
      return m.text + s;
    case 1:
      return s + m.text;
    case 2: {
      const at = m.pick % (s.length + 1);
      return s.slice(0, at) + m.text + s.slice(at);
    }
    case 3:
      return s.slice(0, -1); // one under a length bound
    case 4:
      return `${s}${s.slice(-1) || 'a'}`; // one over
    case 5:
      return s.toUpperCase();
    case 6:
      return ` ${s} `;
    case 7:
      return s.normalize('NFD') + '\u0301';
    default:
      return s.repeat(Math.max(2, Math.ceil(70_000 / Math.max(1, s.length)))).slice(0, 70_000 + (m.pick % 40_000));
  }
}

function edgeFor(n: number, m: Mutation): number {
  const options = [n + 1, n - 1, -n, n + 0.5, -0, n * 1e300, Number.MAX_SAFE_INTEGER + 2, -1, 0, 1e308];
  return options[m.edit % options.length] ?? 0;
}

/** Applies one mutation to a copy of `payload`. */
export function applyMutation(payload: unknown, m: Mutation): unknown {
  const root = clone(payload);
  const paths = pathsOf(root);
  const pickFrom = (list: Path[]): Path | undefined => (list.length ? list[m.pick % list.length] : undefined);
  switch (m.op) {
    case 'replace': {
      const path = pickFrom(paths.filter((p) => p.length > 0)) ?? [];
      return setAt(root, path, m.value);
    }
    case 'replace-root':
      return m.value;
    case 'delete': {
      const path = pickFrom(paths.filter((p) => p.length > 0 && isPlainObject(getAt(root, p.slice(0, -1)))));
      if (!path) return m.value;
      delete (getAt(root, path.slice(0, -1)) as Record<string, unknown>)[String(path[path.length - 1])];
      return root;
    }
    case 'extra': {
      const path = pickFrom(paths.filter((p) => isPlainObject(getAt(root, p))));
      if (!path) return root;
      defineKey(getAt(root, path) as object, m.key, m.value);
      return root;
    }
    case 'wrap-array': {
      const path = pickFrom(paths) ?? [];
      return setAt(root, path, [getAt(root, path)]);
    }
    case 'string-edit': {
      const path = pickFrom(paths.filter((p) => typeof getAt(root, p) === 'string'));
      if (!path) return setAt(root, pickFrom(paths) ?? [], m.text);
      return setAt(root, path, editString(getAt(root, path) as string, m));
    }
    case 'number-edge': {
      const path = pickFrom(paths.filter((p) => typeof getAt(root, p) === 'number'));
      if (!path) return setAt(root, pickFrom(paths.filter((p) => p.length > 0)) ?? [], edgeFor(0, m));
      return setAt(root, path, edgeFor(getAt(root, path) as number, m));
    }
    case 'binary-for-text': {
      const path = pickFrom(paths.filter((p) => typeof getAt(root, p) === 'string')) ?? pickFrom(paths) ?? [];
      const at = getAt(root, path);
      const text = typeof at === 'string' ? at : m.text;
      return setAt(root, path, m.pick % 2 === 0 ? Buffer.from(text) : new TextEncoder().encode(text).buffer);
    }
    case 'text-for-binary': {
      const path = pickFrom(paths.filter((p) => {
        const v = getAt(root, p);
        return ArrayBuffer.isView(v) || v instanceof ArrayBuffer;
      })) ?? pickFrom(paths.filter((p) => p.length > 0)) ?? [];
      const v = getAt(root, path);
      const text = ArrayBuffer.isView(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString(m.pick % 2 ? 'base64' : 'utf8') : m.text;
      return setAt(root, path, text);
    }
  }
}

/** One to three mutations in a row. */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.array(mutationArb, { minLength: 1, maxLength: 3 })).map(([v, ms]) => ms.reduce(applyMutation, v));
}
