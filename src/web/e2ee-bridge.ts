/**
 * Calls across the page ↔ Web Worker boundary (Comlink) with the SDK's errors intact: every call resolves with an
 * outcome ({ ok, value } or { ok: false, error }) and the other side throws the same ParleyError again (its `code`
 * decides retries and what the UI says; Comlink's own error transfer would drop it).
 */
import type { Remote } from 'comlink';
import { ParleyError, type SdkErrorCode } from '../sdk/errors.js';
import type { E2eeApi, EngineHost } from '../sdk/index.js';

type Outcome = ({ ok: true; value: unknown } | { ok: false; error: { name: string; code?: string; message: string } }) & { rides?: unknown };

/**
 * What rides along on one channel: the caller's `outbound()` goes with each call (as its first argument) and the
 * callee's `answer()` with each answer; each side hands what it received to its own `receive`/`inbound`.
 */
export interface CalleeRider {
  receive(value: unknown): void;
  answer(): unknown;
}
export interface CallerRider {
  outbound(): unknown;
  inbound(value: unknown, method: string): void;
}
type Fn = (...args: never[]) => unknown;
/** The same methods, answering outcomes. */
export type Enveloped<T> = { [K in keyof T]: T[K] extends Fn ? (...args: Parameters<T[K]>) => Promise<Outcome> : never };

export const HOST_METHODS = ['request', 'settle', 'sendPayload', 'onUpdate', 'onIdentityChanged', 'onProfileKey'] as const satisfies readonly (keyof EngineHost)[];
export const API_METHODS = [
  'decode', 'encrypt', 'sent', 'send', 'record', 'historyPage', 'updated', 'located', 'storedText', 'conversationSeen',
  'conversationRemoved', 'welcomed', 'reconcile', 'updateKeys', 'state', 'passwordChanged', 'rotateVault', 'verification', 'setVerified', 'profileKeyOf', 'close',
] as const satisfies readonly (keyof E2eeApi)[];

/**
 * How many calls crossed the boundary from this side, by method: `called` = made from here to the other side,
 * `answered` = made by the other side and answered here. The page's counts are read by bench/worker-crossings.ts.
 */
export const crossings = { called: {} as Record<string, number>, answered: {} as Record<string, number> };

const count = (into: Record<string, number>, name: string) => {
  into[name] = (into[name] ?? 0) + 1;
};

async function outcome(run: () => unknown): Promise<Outcome> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const code = (e as { code?: unknown }).code;
    return { ok: false, error: { name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}) } };
  }
}

async function unwrap(pending: Promise<Outcome>): Promise<unknown> {
  const answer = await pending;
  if (answer.ok) return answer.value;
  const { name, code, message } = answer.error;
  if (name === 'ParleyError' && code) throw new ParleyError(code as SdkErrorCode, message);
  throw Object.assign(new Error(message), { name, ...(code ? { code } : {}) });
}

/** An object whose listed methods answer outcomes (to expose across the boundary). */
export function envelope<T extends object>(target: T, methods: readonly (keyof T & string)[], rider?: CalleeRider): Enveloped<T> {
  const out: Record<string, (...args: unknown[]) => Promise<Outcome>> = {};
  for (const name of methods) {
    out[name] = async (...args) => {
      count(crossings.answered, name);
      if (!rider) return outcome(() => (target[name] as (...a: unknown[]) => unknown).apply(target, args));
      const [carried, ...rest] = args;
      rider.receive(carried);
      const answer = await outcome(() => (target[name] as (...a: unknown[]) => unknown).apply(target, rest));
      return { ...answer, rides: rider.answer() };
    };
  }
  return out as unknown as Enveloped<T>;
}

/** The other side's enveloped methods as ordinary async methods that throw what was thrown there. */
export function unwrapped<T extends object>(remote: Remote<Enveloped<T>>, methods: readonly (keyof T & string)[], rider?: CallerRider): T {
  const out: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of methods) {
    const call = (remote as unknown as Record<string, (...a: unknown[]) => Promise<Outcome>>)[name];
    if (!call) throw new Error(`no method ${name} across the worker boundary`);
    out[name] = (...args) => {
      count(crossings.called, name);
      if (!rider) return unwrap(call(...args));
      return unwrap(
        call(rider.outbound(), ...args).then((answer) => {
          rider.inbound(answer.rides, name);
          return answer;
        }),
      );
    };
  }
  return out as unknown as T;
}
