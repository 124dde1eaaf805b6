import fc from 'fast-check';
import type { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../../src/protocol/errors.js';
import { Username } from '../../src/protocol/common.js';
import { GroupName } from '../../src/protocol/conversations.js';
import { ClientKey, ContentType } from '../../src/protocol/messages.js';
import { clientEvents, type ClientEventName } from '../../src/protocol/realtime.js';
import type { SocketWorld } from './fixture.js';
import { edgeString, mutated, nastyValue } from './mutations.js';
import type { Expectation } from './oracle.js';
import { arbitraryFor, type Hints } from './schema-walk.js';
import { Decoder, PacketType, type Packet } from 'socket.io-parser';
import { decodeAsServer, type Decoded } from './wire.js';

/** Every client → server event of the protocol. */
export const EVENT_NAMES = Object.keys(clientEvents) as ClientEventName[];


export type SocketCaseKind = 'valid' | 'mutated' | 'no-ack' | 'ack-not-function' | 'extra-args' | 'no-payload' | 'unknown-event' | 'raw-frame';

export interface SocketCase {
  event: string;
  kind: SocketCaseKind;
  /** Arguments before the acknowledgement. */
  args: unknown[];
  /** Whether a callback is passed last. */
  ack: boolean;
}

/** A value drawn from a list that changes as the world does (read when the value is generated). */
const pick = <T>(list: () => readonly T[]): fc.Arbitrary<T> =>
  fc.nat().map((i) => {
    const l = list();
    return l[i % l.length] as T;
  });

/** Message bodies as a client sends them: Buffer, Uint8Array or ArrayBuffer; mostly small, some at the 64 KiB limit. */
export const bodyArb: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.constantFrom('buffer', 'uint8array', 'arraybuffer'),
    fc.oneof(
      { weight: 30, arbitrary: fc.uint8Array({ maxLength: 200 }) },
      { weight: 1, arbitrary: fc.constantFrom(0, 64 * 1024, 64 * 1024 + 1).map((n) => new Uint8Array(n).fill(0x61)) },
    ),
  )
  .map(([kind, bytes]) => {
    if (kind === 'buffer') return Buffer.from(bytes);
    if (kind === 'arraybuffer') return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    return bytes;
  });

/** Field hints: real user names, conversations and messages of the world, and random ones. */
export function socketHints(world: () => SocketWorld): Hints {
  const username = fc.oneof({ weight: 4, arbitrary: pick(() => world().usernames) }, { weight: 1, arbitrary: arbitraryFor(Username) });
  const nil = fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff');
  return {
    username,
    'usernames[]': username,
    conversationId: fc.oneof({ weight: 6, arbitrary: pick(() => world().conversationIds) }, { weight: 2, arbitrary: fc.uuid() }, { weight: 1, arbitrary: nil }),
    messageId: fc.oneof({ weight: 6, arbitrary: pick(() => world().messageIds) }, { weight: 2, arbitrary: fc.uuid() }, { weight: 1, arbitrary: nil }),
    clientKey: fc.oneof({ weight: 4, arbitrary: arbitraryFor(ClientKey) }, { weight: 1, arbitrary: pick(() => world().clientKeys) }),
    contentType: fc.oneof(
      fc.constantFrom('text/plain', 'application/octet-stream', 'application/mls-private', 'application/mls-commit', 'application/mls-welcome'),
      arbitraryFor(ContentType),
    ),
    body: bodyArb,
    name: fc.oneof(arbitraryFor(GroupName), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 }), edgeString),
  };
}

/** Cases for one event: valid payloads, mutations off them, and every wrong way to call it. */
export function eventCaseArb(event: ClientEventName, hints: Hints): fc.Arbitrary<SocketCase> {
  const valid = arbitraryFor(clientEvents[event].request as z.ZodType, hints);
  const bad = mutated(valid);
  const either = fc.oneof(valid, bad);
  const c = (kind: SocketCaseKind, ack: boolean) => (args: unknown[]): SocketCase => ({ event, kind, args, ack });
  return fc.oneof(
    { weight: 5, arbitrary: valid.map((v) => c('valid', true)([v])) },
    { weight: 10, arbitrary: bad.map((v) => c('mutated', true)([v])) },
    { weight: 1, arbitrary: either.map((v) => c('no-ack', false)([v])) },
    {
      weight: 1,
      arbitrary: fc.tuple(valid, fc.constantFrom<unknown>('ack', 0, null, {}, [], true, 'function () {}')).map(([v, notFn]) => c('ack-not-function', false)([v, notFn])),
    },
    { weight: 1, arbitrary: fc.tuple(either, fc.array(nastyValue, { minLength: 1, maxLength: 3 })).map(([v, extra]) => c('extra-args', true)([v, ...extra])) },
    { weight: 1, arbitrary: fc.constant(c('no-payload', true)([])) },
  );
}

/** Names the server does not know (never a name socket.io reserves, which the client refuses to send). */
const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);
const unknownEventArb: fc.Arbitrary<SocketCase> = fc
  .tuple(
    fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'whoami ', 'WHOAMI', 'messages:send\u0000', 'admin:grant', 'hasOwnProperty'), edgeString),
    fc.oneof(fc.constant(true), fc.constant(false)),
    nastyValue,
  )
  .filter(([name]) => !RESERVED.has(name) && !Object.hasOwn(clientEvents, name))
  .map(([event, , payload]) => ({ event, kind: 'unknown-event' as const, args: [payload], ack: false }));

/** One socket case for any event (events equally likely), with unknown events now and then. */
export function socketCaseArb(world: () => SocketWorld): fc.Arbitrary<SocketCase> {
  const hints = socketHints(world);
  return fc.oneof(
    ...EVENT_NAMES.map((e) => ({ weight: 10, arbitrary: eventCaseArb(e, hints) })),
    { weight: 2, arbitrary: unknownEventArb },
    { weight: 4, arbitrary: rawFrameArb },
  );
}

export interface ClassifiedSocketCase {
  c: SocketCase;
  decoded: Decoded;
  expect: Expectation;
}

/**
 * Documented refusals of a valid payload, per event, as docs/API.md lists them (anything else is a violation). An
 * event missing here (a new one) may refuse with any documented code but INTERNAL.
 */
export const EVENT_ERRORS: Partial<Record<ClientEventName, readonly ErrorCode[]>> = {
  whoami: [],
  'contacts:list': [],
  'contacts:request': ['NOT_FOUND', 'CONFLICT', 'BLOCKED'],
  'contacts:accept': ['NOT_FOUND', 'CONFLICT'],
  'contacts:decline': ['NOT_FOUND', 'CONFLICT'],
  'contacts:cancel': ['NOT_FOUND', 'CONFLICT'],
  'contacts:remove': ['NOT_FOUND', 'CONFLICT'],
  'contacts:block': ['NOT_FOUND', 'CONFLICT'],
  'contacts:unblock': ['NOT_FOUND', 'CONFLICT'],
  'conversations:list': [],
  'conversations:get': ['NOT_FOUND'],
  'conversations:openDirect': ['NOT_FOUND', 'CONFLICT', 'BLOCKED', 'NOT_A_CONTACT'],
  'conversations:createGroup': ['NOT_FOUND', 'BLOCKED', 'NOT_A_CONTACT'],
  'conversations:addMember': ['NOT_FOUND', 'FORBIDDEN', 'CONFLICT', 'BLOCKED', 'NOT_A_CONTACT'],
  'conversations:removeMember': ['NOT_FOUND', 'CONFLICT', 'FORBIDDEN'],
  'conversations:setRole': ['NOT_FOUND', 'FORBIDDEN', 'CONFLICT'],
  'conversations:rename': ['NOT_FOUND', 'FORBIDDEN'],
  'conversations:leave': ['NOT_FOUND', 'FORBIDDEN'],
  // NOT_A_CONTACT: a direct conversation carries messages only between contacts (ee40c79); docs/API.md does not list it yet.
  'messages:send': ['NOT_FOUND', 'BLOCKED', 'CONFLICT', 'NOT_A_CONTACT'],
  'messages:edit': ['NOT_FOUND', 'FORBIDDEN', 'CONFLICT'],
  'messages:delete': ['NOT_FOUND', 'FORBIDDEN', 'CONFLICT'],
  'messages:history': ['NOT_FOUND'],
  'messages:after': ['NOT_FOUND'],
  'messages:read': ['NOT_FOUND'],
  typing: ['NOT_FOUND'],
};

/**
 * What the server must do with this case, from exactly what it will decode. `frameLimit` is the server's engine.io
 * `maxHttpBufferSize`: a larger WebSocket frame closes the connection.
 */
export function classifySocketCase(c: SocketCase, frameLimit: number): ClassifiedSocketCase {
  if (c.kind === 'raw-frame') {
    const runs = rawFrameRuns(c.args[0]);
    return { c, decoded: { args: undefined, decodeError: undefined, largestFrame: 0, textFrame: 0 }, expect: { type: 'raw', runs, why: 'raw frame' } };
  }
  const decoded = decodeAsServer(c.event, c.args, c.ack);
  if (decoded.decodeError) return { c, decoded, expect: { type: 'disconnect', why: `undecodable: ${decoded.decodeError}` } };
  if (decoded.largestFrame > frameLimit) return { c, decoded, expect: { type: 'disconnect', why: `frame of ${decoded.largestFrame} bytes` } };
  const fits = expectationIfDelivered(c, decoded);
  // The client's real ack id may have more digits than the one simulated (1): near the limit, either outcome is right.
  if (c.ack && decoded.textFrame + ACK_ID_MARGIN > frameLimit) return { c, decoded, expect: { type: 'boundary', fits, why: `frame of about ${decoded.textFrame} bytes` } };
  return { c, decoded, expect: fits };
}

/** The bytes a real ack id can add over the simulated one. */
const ACK_ID_MARGIN = 12;

function expectationIfDelivered(c: SocketCase, decoded: Decoded): Expectation {
  if (!c.ack) return { type: 'silent', why: 'no acknowledgement' };
  if (!Object.hasOwn(clientEvents, c.event)) return { type: 'silent', why: 'unknown event' };
  const args = decoded.args ?? [];
  if (args.length !== 1) return { type: 'reject', codes: ['VALIDATION_FAILED'], why: `${args.length} arguments` };
  const parsed = clientEvents[c.event as ClientEventName].request.safeParse(args[0]);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { type: 'reject', codes: ['VALIDATION_FAILED'], why: `schema: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}` };
  }
  const codes = EVENT_ERRORS[c.event as ClientEventName] ?? ERROR_CODES.filter((code) => code !== 'INTERNAL');
  return { type: 'open', codes, why: 'valid payload' };
}

// ---------------------------------------------------------------------------------------------------------------
// Raw socket.io frames: what a hostile client can put on the wire without socket.io-client's encoder.

export const RAW_FRAME = 'socket (raw frame)';

/** Hand-made socket.io packets: every packet type, namespaces, ack ids, attachment counts, bad JSON, binary. */
export const rawFrameArb: fc.Arbitrary<SocketCase> = fc
  .oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(
          fc.constantFrom('0', '1', '2', '2', '2', '3', '4', '5', '5', '6', '7', '9', 'x', ''),
          fc.constantFrom('', '', '1-', '0-', '2-', '99999999999-', '-1-', 'a-'),
          fc.constantFrom('', '', '', '/,', '/admin,', '//,', '/?x=1,', '/nsp'),
          fc.constantFrom('', '', '1', '0', '42', '9'.repeat(30), '-1'),
          fc.oneof(
            fc.tuple(fc.constantFrom(...EVENT_NAMES, 'error', 'connect', 'disconnect', '__proto__', 'newListener'), nastyValue).map(([e, p]) => JSON.stringify([e, p]) ?? ''),
            fc.constantFrom(
              '', '[]', '[1]', '[null]', '{}', '"whoami"', '["whoami",{}', '[["whoami"]]', '["whoami",{"_placeholder":true,"num":0}]',
              '["messages:send",{"_placeholder":true,"num":-1}]', `${'['.repeat(5_000)}${']'.repeat(5_000)}`, '["whoami",{}]garbage', 'null',
              '["whoami",{"__proto__":{"parleyFuzzPolluted":true}}]',
            ),
            edgeString,
          ),
        )
        .map(([type, attachments, nsp, id, payload]) => type + (type === '5' || type === '6' ? attachments : '') + nsp + id + payload),
    },
    { weight: 1, arbitrary: edgeString },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
  )
  .map((frame) => ({ event: RAW_FRAME, kind: 'raw-frame' as const, args: [frame], ack: false }));

/** Whether a raw frame decodes to a valid event with an ack id (the server then runs it: state may change). */
export function rawFrameRuns(frame: unknown): boolean {
  if (typeof frame !== 'string') return false;
  let decoded: Packet | undefined;
  const decoder = new Decoder();
  decoder.on('decoded', (p: Packet) => (decoded = p));
  try {
    decoder.add(frame);
  } catch {
    return false;
  } finally {
    decoder.destroy();
  }
  if (!decoded || (decoded.type !== PacketType.EVENT && decoded.type !== PacketType.BINARY_EVENT) || decoded.id === undefined) return false;
  const [event, ...args] = Array.isArray(decoded.data) ? (decoded.data as unknown[]) : [];
  if (typeof event !== 'string' || !Object.hasOwn(clientEvents, event) || args.length !== 1) return false;
  return clientEvents[event as ClientEventName].request.safeParse(args[0]).success;
}
