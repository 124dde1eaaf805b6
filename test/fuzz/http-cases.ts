import fc from 'fast-check';
import type { z } from 'zod';
import {
  AuthResponse,
  ChangePasswordRequest,
  EmptyRequest,
  LoginRequest,
  MeResponse,
  OkResponse,
  PreloginRequest,
  PreloginResponse,
  SessionParams,
  SessionsResponse,
  SignupRequest,
} from '../../src/protocol/auth.js';
import { RevokeOthersResponse } from '../../src/protocol/account.js';
import { Username } from '../../src/protocol/common.js';
import { RecoveryStatusResponse } from '../../src/protocol/recovery.js';
import type { ErrorCode } from '../../src/protocol/errors.js';
import { TEST_KDF } from '../support/server.js';
import { freshName, type Account } from './fixture.js';
import { applyMutation, edgeString, mutated, mutationArb } from './mutations.js';
import type { Expectation } from './oracle.js';
import { arbitraryFor, type Hints } from './schema-walk.js';

/** Every HTTP route of the API, with its schemas and its documented refusals (docs/API.md). */
export interface RouteSpec {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: z.ZodType;
  params?: z.ZodType;
  response: z.ZodType;
  okStatus: number;
  session: boolean;
  /**
   * A success changes the session or the credentials (a log-in or sign-up ends the session whose cookie it carries):
   * valid cases run on the scratch account, one at a time.
   */
  destructive: boolean;
  errors: readonly ErrorCode[];
}

export const ROUTES: readonly RouteSpec[] = [
  { name: 'POST /api/auth/prelogin', method: 'POST', path: '/api/auth/prelogin', body: PreloginRequest, response: PreloginResponse, okStatus: 200, session: false, destructive: false, errors: [] },
  { name: 'POST /api/auth/signup', method: 'POST', path: '/api/auth/signup', body: SignupRequest, response: AuthResponse, okStatus: 201, session: false, destructive: true, errors: ['KDF_TOO_WEAK', 'USERNAME_TAKEN'] },
  { name: 'POST /api/auth/login', method: 'POST', path: '/api/auth/login', body: LoginRequest, response: AuthResponse, okStatus: 200, session: false, destructive: true, errors: ['INVALID_CREDENTIALS'] },
  { name: 'POST /api/auth/logout', method: 'POST', path: '/api/auth/logout', body: EmptyRequest, response: OkResponse, okStatus: 200, session: true, destructive: true, errors: [] },
  { name: 'POST /api/auth/password', method: 'POST', path: '/api/auth/password', body: ChangePasswordRequest, response: OkResponse, okStatus: 200, session: true, destructive: true, errors: ['KDF_TOO_WEAK', 'INVALID_CREDENTIALS'] },
  { name: 'GET /api/auth/me', method: 'GET', path: '/api/auth/me', response: MeResponse, okStatus: 200, session: true, destructive: false, errors: [] },
  { name: 'POST /api/auth/sessions/revoke-others', method: 'POST', path: '/api/auth/sessions/revoke-others', body: EmptyRequest, response: RevokeOthersResponse, okStatus: 200, session: true, destructive: true, errors: [] },
  { name: 'GET /api/recovery', method: 'GET', path: '/api/recovery', response: RecoveryStatusResponse, okStatus: 200, session: true, destructive: false, errors: [] },
  { name: 'GET /api/auth/sessions', method: 'GET', path: '/api/auth/sessions', response: SessionsResponse, okStatus: 200, session: true, destructive: false, errors: [] },
  { name: 'DELETE /api/auth/sessions/:id', method: 'DELETE', path: '/api/auth/sessions/:id', params: SessionParams, body: EmptyRequest, response: OkResponse, okStatus: 200, session: true, destructive: true, errors: ['NOT_FOUND'] },
];

export type OriginVariant = 'app' | 'localhost' | 'missing' | 'null' | 'evil' | 'trailing-slash' | 'upper-case' | 'suffix';
export type CookieVariant = 'session' | 'none' | 'garbage' | 'long' | 'empty' | 'other-name';

export type HttpBody = { type: 'json'; value: unknown } | { type: 'raw'; bytes: Buffer; note: string } | { type: 'none' };

export interface HttpCase {
  route: string;
  kind: 'valid' | 'mutated' | 'raw' | 'headers' | 'path';
  body: HttpBody;
  /** The `:id` path segment, as sent (already percent-encoded where needed). */
  idSegment: string;
  query: string;
  origin: OriginVariant;
  /** `null`: no Content-Type header; `auto`: application/json when there is a body. */
  contentType: string | null;
  cookie: CookieVariant;
}

/** The fixture's accounts the HTTP payloads draw from. */
export interface HttpWorld {
  main: Account;
  scratch: Account & { others: string[] };
  other: Account;
}

const pick = <T>(list: () => readonly T[]): fc.Arbitrary<T> =>
  fc.nat().map((i) => {
    const l = list();
    return l[i % l.length] as T;
  });

export function httpHints(world: () => HttpWorld): Hints {
  const w = world;
  const strongKdf = fc.constant({ ...TEST_KDF });
  return {
    username: fc.oneof(
      { weight: 4, arbitrary: pick(() => [w().main.username, w().scratch.username, w().other.username, w().main.username.toUpperCase(), 'nobody-at-all']) },
      { weight: 1, arbitrary: arbitraryFor(Username) },
      { weight: 1, arbitrary: fc.constant(null).map(() => freshName('su')) },
    ),
    authKey: fc.oneof({ weight: 3, arbitrary: arbitraryFor(LoginRequest.shape.authKey) }, { weight: 1, arbitrary: pick(() => [w().main.authKey, w().scratch.authKey]) }),
    currentAuthKey: fc.oneof({ weight: 1, arbitrary: arbitraryFor(LoginRequest.shape.authKey) }, { weight: 2, arbitrary: pick(() => [w().scratch.authKey]) }),
    kdf: fc.oneof({ weight: 3, arbitrary: strongKdf }, { weight: 1, arbitrary: arbitraryFor(SignupRequest.shape.kdf) }),
    newKdf: fc.oneof({ weight: 3, arbitrary: strongKdf }, { weight: 1, arbitrary: arbitraryFor(SignupRequest.shape.kdf) }),
  };
}

/** Raw request bodies a JSON parser must survive. */
function rawBodies(valid: fc.Arbitrary<unknown>): fc.Arbitrary<{ bytes: Buffer; note: string }> {
  const text = (note: string, s: string) => ({ bytes: Buffer.from(s, 'utf8'), note });
  return fc.oneof(
    fc.constantFrom(
      text('empty', ''),
      text('null', 'null'),
      text('true', 'true'),
      text('zero', '0'),
      text('string', '"x"'),
      text('array', '[]'),
      text('whitespace', ' \n\t '),
      text('NaN', 'NaN'),
      text('1e999', '1e999'),
      text('single quotes', "{'a':1}"),
      text('trailing comma', '{"a":1,}'),
      text('comment', '/* c */ {}'),
      text('__proto__', '{"__proto__":{"parleyFuzzPolluted":true}}'),
      text('escaped __proto__', '{"\\u005f_proto__":{"parleyFuzzPolluted":true}}'),
      text('constructor.prototype', '{"constructor":{"prototype":{"parleyFuzzPolluted":true}}}'),
      text('nested __proto__', '{"kdf":{"__proto__":{"algorithm":"argon2id"}}}'),
      text('deep arrays', `${'['.repeat(30_000)}${']'.repeat(30_000)}`),
      text('deep objects', `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`),
      text('unterminated deep', '['.repeat(60_000)),
      text('big number', `{"n":${'9'.repeat(5_000)}}`),
      text('NUL', '{"username":"a\u0000b"}'),
      text('over 64 KiB', `{"pad":"${'x'.repeat(66 * 1024)}"}`),
      text('exactly 64 KiB', `{"pad":"${'x'.repeat(64 * 1024 - 10)}"}`),
      { bytes: Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x7d]), note: 'invalid UTF-8' },
      { bytes: Buffer.concat([Buffer.from('{"username":"'), Buffer.from([0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from('"}')]), note: 'invalid UTF-8 in a string' },
      { bytes: Buffer.from('\uFEFF{}', 'utf8'), note: 'BOM' },
      { bytes: Buffer.from('{}', 'utf16le'), note: 'UTF-16' },
    ),
    valid.map((v) => {
      const s = JSON.stringify(v) ?? '';
      return text('truncated', s.slice(0, Math.max(0, s.length - 1 - (s.length % 7))));
    }),
    valid.map((v) => text('trailing garbage', `${JSON.stringify(v) ?? ''}}`)),
    valid.map((v) => {
      const s = JSON.stringify(v) ?? '{}';
      return text('duplicate keys', s.replace(/^\{/, '{"username":"dup",'));
    }),
    fc.uint8Array({ maxLength: 200 }).map((b) => ({ bytes: Buffer.from(b), note: 'random bytes' })),
  );
}

/** Percent-encodes a path segment; a lone surrogate (which encodeURIComponent refuses) becomes its raw UTF-8 bytes. */
function safeEncode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
  }
}

const VALID_HEADERS = { origin: 'app' as OriginVariant, contentType: 'auto', cookie: 'session' as CookieVariant, query: '' };

export function httpCaseArb(world: () => HttpWorld): fc.Arbitrary<HttpCase> {
  const hints = httpHints(world);
  const sessionIds = () => {
    const w = world();
    return [w.scratch.sessionId, ...w.scratch.others, w.main.sessionId, w.other.sessionId];
  };
  const idSegment = fc.oneof(
    { weight: 3, arbitrary: pick(sessionIds) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: fc.tuple(pick(sessionIds), mutationArb).map(([id, m]) => String(applyMutation(id, { ...m, op: 'string-edit' }))).map((s) => safeEncode(s.slice(0, 3_000))) },
    { weight: 1, arbitrary: edgeString.map(safeEncode) },
    { weight: 1, arbitrary: fc.constantFrom('%ZZ', '%', '%00', '..', '.', '%2F', 'a%2Fb', '00000000-0000-0000-0000-000000000000', '{id}', ':id', '*') },
  );
  const query = fc.oneof(
    { weight: 8, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constantFrom('?', '?a=1', '?__proto__[x]=1', '?constructor[prototype][x]=1', '?%ZZ', '?id=1&id=2', `?${'a'.repeat(2_000)}=1`) },
  );
  const origin = fc.constantFrom<OriginVariant>('app', 'localhost', 'missing', 'null', 'evil', 'trailing-slash', 'upper-case', 'suffix');
  const contentType = fc.constantFrom<string | null>(
    'auto', 'application/json; charset=utf-8', 'Application/JSON', 'application/json;charset=utf-16', 'application/jsonp',
    'application/json-patch+json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '', null,
  );
  const cookie = fc.constantFrom<CookieVariant>('none', 'garbage', 'long', 'empty', 'other-name');

  const perRoute = ROUTES.map((route) => {
    const valid: fc.Arbitrary<unknown> = route.body ? arbitraryFor(route.body, hints) : fc.constant(undefined);
    const validBody: fc.Arbitrary<HttpBody> = route.body
      ? route.body === EmptyRequest
        ? fc.constantFrom<HttpBody>({ type: 'json', value: {} }, { type: 'none' })
        : valid.map((value) => ({ type: 'json', value }))
      : fc.constant({ type: 'none' });
    const base = { route: route.name, idSegment: '', ...VALID_HEADERS };
    const withId = <T extends { idSegment: string }>(arb: fc.Arbitrary<T>): fc.Arbitrary<T> =>
      route.params ? fc.tuple(arb, pick(sessionIds), fc.uuid(), fc.boolean()).map(([c, known, random, useKnown]) => ({ ...c, idSegment: useKnown ? known : random })) : arb;
    // A valid request to these routes costs an Argon2id hash or verification on the server (and, for the destructive
    // ones, a log-in to follow): fewer of them keep the long run within its time, the mutations stay as many.
    const costly = route.destructive || route.name === 'POST /api/auth/signup' || route.name === 'POST /api/auth/login';
    const cases: fc.WeightedArbitrary<HttpCase>[] = [
      { weight: costly ? 1 : 4, arbitrary: withId(validBody.map((body) => ({ ...base, kind: 'valid' as const, body }))) },
      {
        weight: costly ? 1 : 3,
        arbitrary: withId(fc.tuple(validBody, origin, contentType, cookie, query, fc.nat(3)).map(([body, o, ct, ck, q, which]) => ({
          ...base,
          kind: 'headers' as const,
          body,
          ...(which === 0 ? { origin: o } : which === 1 ? { contentType: ct } : which === 2 ? { cookie: ck } : { query: q }),
        }))),
      },
    ];
    if (route.body) {
      cases.push(
        { weight: 8, arbitrary: withId(mutated(valid).map((value) => ({ ...base, kind: 'mutated' as const, body: { type: 'json' as const, value } }))) },
        { weight: 3, arbitrary: withId(rawBodies(valid).map((raw) => ({ ...base, kind: 'raw' as const, body: { type: 'raw' as const, ...raw } }))) },
      );
    }
    if (route.params) {
      cases.push({ weight: 4, arbitrary: fc.tuple(validBody, idSegment).map(([body, id]) => ({ ...base, kind: 'path' as const, body, idSegment: id })) });
    }
    return { weight: 1, arbitrary: fc.oneof(...cases) };
  });
  return fc.oneof(...perRoute);
}

// ---------------------------------------------------------------------------------------------------------------
// The prediction: what the server must answer, following docs/API.md's order of checks.

export const routeByName = new Map(ROUTES.map((r) => [r.name, r]));

/** The bytes a JSON-kind body becomes (undefined: no body at all). */
export function bodyBytes(body: HttpBody): Buffer | undefined {
  if (body.type === 'none') return undefined;
  if (body.type === 'raw') return body.bytes;
  const text = JSON.stringify(body.value);
  return text === undefined ? undefined : Buffer.from(text, 'utf8');
}

/** fastify's JSON parser (secure-json-parse, protoAction/constructorAction 'error'): the parsed value, or why not. */
function parseLikeFastify(bytes: Buffer): { ok: true; value: unknown } | { ok: false; why: string } {
  let text = bytes.toString('utf8');
  if (text.length === 0) return { ok: false, why: 'empty JSON body' };
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, why: `invalid JSON (${e instanceof Error ? e.name : 'error'})` };
  }
  let poisoned = false;
  const scan = (v: unknown, depth: number): void => {
    if (poisoned || typeof v !== 'object' || v === null || depth > 100_000) return;
    if (Array.isArray(v)) {
      for (const x of v) scan(x, depth + 1);
      return;
    }
    if (Object.prototype.hasOwnProperty.call(v, '__proto__')) poisoned = true;
    const ctor: unknown = (v as Record<string, unknown>).constructor;
    if (Object.prototype.hasOwnProperty.call(v, 'constructor') && typeof ctor === 'object' && ctor !== null && Object.prototype.hasOwnProperty.call(ctor, 'prototype')) poisoned = true;
    for (const k of Object.keys(v)) scan((v as Record<string, unknown>)[k], depth + 1);
  };
  try {
    scan(value, 0);
  } catch {
    poisoned = true; // too deep for a recursive scan: secure-json-parse scans iteratively, the prediction stays loose
  }
  if (poisoned) return { ok: false, why: 'prototype poisoning' };
  return { ok: true, value };
}

export const BODY_LIMIT = 64 * 1024;
/** Node's default `maxHeaderSize`. */
export const MAX_HEADER_BYTES = 16 * 1024;

export interface Prediction {
  expect: Expectation;
  /** The request as sent, with the session cookie still symbolic. */
  headers: Record<string, string>;
  bytes: Buffer | undefined;
  path: string;
}

/** The request a case makes, and what the server must answer to it. */
export function predictHttp(c: HttpCase, appOrigin: string): Prediction {
  const route = routeByName.get(c.route);
  if (!route) throw new Error(`unknown route ${c.route}`);
  const bytes = route.method === 'GET' ? undefined : bodyBytes(c.body);
  const path = route.path.replace(':id', c.idSegment) + c.query;
  const headers: Record<string, string> = {};
  const port = new URL(appOrigin).port;
  const origins: Record<OriginVariant, string | undefined> = {
    app: appOrigin,
    localhost: `http://localhost:${port}`,
    missing: undefined,
    null: 'null',
    evil: 'http://evil.example',
    'trailing-slash': `${appOrigin}/`,
    'upper-case': appOrigin.toUpperCase(),
    suffix: `${appOrigin}.evil.example`,
  };
  const origin = origins[c.origin];
  if (origin !== undefined) headers.origin = origin;
  const type = c.contentType === 'auto' ? (bytes !== undefined ? 'application/json' : null) : c.contentType;
  if (type !== null) headers['content-type'] = type;

  const reject = (codes: ErrorCode[], why: string): Prediction => ({ expect: { type: 'reject', codes, why }, headers, bytes, path });
  const loose: ErrorCode[] = [];

  // Node's HTTP parser refuses a request line plus headers over 16 KiB before anything else (the cookie and the
  // headers the client adds are not known here: a margin either side).
  const headBytes = Buffer.byteLength(path) + Object.entries(headers).reduce((n, [k, v]) => n + k.length + Buffer.byteLength(v) + 4, 0) + 200;
  if (headBytes > MAX_HEADER_BYTES + 800) return reject(['PAYLOAD_TOO_LARGE'], `request head of ${headBytes} bytes`);
  if (headBytes > MAX_HEADER_BYTES - 800) loose.push('PAYLOAD_TOO_LARGE');

  if (route.method !== 'GET') {
    if (c.origin !== 'app' && c.origin !== 'localhost') return reject(['FORBIDDEN_ORIGIN', ...loose], `Origin ${c.origin}`);
    const hasBody = bytes !== undefined && bytes.length > 0;
    const lower = (type ?? '').toLowerCase();
    if (hasBody && !lower.startsWith('application/json')) return reject(['UNSUPPORTED_MEDIA_TYPE', ...loose], `content type ${String(type)}`);
    // A type that starts like JSON but is not exactly it: the framework may refuse it (415) or parse it as JSON.
    if (lower !== '' && lower !== 'application/json' && lower !== 'application/json; charset=utf-8') loose.push('UNSUPPORTED_MEDIA_TYPE', 'VALIDATION_FAILED');
  }

  let parsed: unknown = undefined;
  if (route.method !== 'GET') {
    if (bytes !== undefined && bytes.length > BODY_LIMIT) return reject(['PAYLOAD_TOO_LARGE', ...loose], `body of ${bytes.length} bytes`);
    const lower = (type ?? '').toLowerCase();
    if (type !== null && (bytes === undefined || bytes.length === 0)) {
      // A declared type with no body: JSON cannot be empty; other types have no parser, or parse to ''.
      if (lower.startsWith('application/json')) return reject(['VALIDATION_FAILED', ...loose], 'empty JSON body');
      return reject(['UNSUPPORTED_MEDIA_TYPE', 'VALIDATION_FAILED', 'UNAUTHENTICATED', ...loose], `empty body typed ${type}`);
    }
    if (bytes !== undefined && bytes.length > 0) {
      const p = parseLikeFastify(bytes);
      if (!p.ok) return reject(['VALIDATION_FAILED', ...loose], p.why);
      parsed = p.value;
    }
  }

  if (route.session && c.cookie !== 'session') return reject(['UNAUTHENTICATED', ...loose], `cookie ${c.cookie}`);

  if (route.body) {
    const r = route.body.safeParse(parsed ?? {});
    if (!r.success) return reject(['VALIDATION_FAILED', ...loose], `body: ${r.error.issues[0]?.path.join('.') ?? ''} ${r.error.issues[0]?.message ?? ''}`);
  }
  if (route.params) {
    let id: string | undefined;
    try {
      id = decodeURIComponent(c.idSegment);
    } catch {
      return reject(['VALIDATION_FAILED', ...loose], 'malformed percent-encoding');
    }
    if (c.idSegment === '' || /%2f/i.test(c.idSegment) || id.includes('/')) return reject(['NOT_FOUND', 'VALIDATION_FAILED', ...loose], 'path segment');
    const r = route.params.safeParse({ id });
    if (!r.success) return reject(['VALIDATION_FAILED', ...loose], `params: ${r.error.issues[0]?.message ?? ''}`);
  }
  return { expect: { type: 'open', codes: [...route.errors, ...loose], why: 'valid request' }, headers, bytes, path };
}
