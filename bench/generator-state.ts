// The state a load generator's parts share (bench/load-generator.ts drives it; bench/mls-steps.ts sends MLS bodies):
// the conversations, the record of every message sent, and the helpers that keep it.
import { performance } from 'node:perf_hooks';
import type { MlsGroup, PoolItem } from './mls-traffic.js';
import type { GeneratorReport } from './protocol.js';
import type { BenchUser } from './targets.js';

export interface Member {
  user: BenchUser;
  /** Last sequence number this member saw, per conversation. */
  lastSeq: Map<string, number>;
}

export interface Conversation {
  id: string;
  members: Member[];
  indexOf: Map<string, number>;
  allMask: number;
  /** With MLS bodies: the members' group states, and the step's pooled items still to send, in log order. */
  mls?: MlsGroup;
  pool: PoolItem[];
  /** Sends not yet acknowledged; a commit waits for none, and holds the sends due after it until it is stored. */
  inFlight: number;
  commitWaiting: { item: PoolItem; dueAt: number } | undefined;
  committing: boolean;
  held: number[];
}

export interface Rec {
  step: number;
  conversation: Conversation;
  sender: number;
  /** When the send was due (performance.now()); latencies run from here (a held send's wait included). */
  sentAt: number;
  acked: boolean;
  failed: boolean;
  gotMask: number;
  completedAt: number;
}

export interface StepState {
  step: number;
  windowStart: number;
  windowEnd: number;
  drainEnd: number;
  sent: number;
  acked: number;
  failed: number;
  /** Sends that fell due (the open loop's schedule); `sent` counts those that went out. */
  due: number;
  errorSamples: string[];
  latencies: number[];
  ackLatencies: number[];
  completed: number;
  completedInWindow: number;
  deliveriesInWindow: number;
  duplicated: number;
  outOfOrder: number;
  disconnects: number;
  recs: Rec[];
}

export const send = (report: GeneratorReport): void => {
  process.send?.(report);
};

export const errorText = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

/** This generator's conversations, and every message sent (by its key: the text's, or the ciphertext's bodyKey). */
export const conversations: Conversation[] = [];
export const recs = new Map<string, Rec>();

export const randomInt = (n: number): number => Math.floor(Math.random() * n);

/** Runs `task` over `items` with at most `limit` in flight, reporting progress. */
export async function pool<T>(items: T[], limit: number, phase: string, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let done = 0;
  let lastReport = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      await task(items[i] as T);
      done++;
      const now = performance.now();
      if (now - lastReport > 250 || done === items.length) {
        lastReport = now;
        send({ type: 'progress', phase, done, total: items.length });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export function track(st: StepState, key: string, conversation: Conversation, sender: number, sentAt: number): Rec {
  const rec: Rec = { step: st.step, conversation, sender, sentAt, acked: false, failed: false, gotMask: 0, completedAt: 0 };
  recs.set(key, rec);
  st.recs.push(rec);
  st.sent++;
  return rec;
}

export function settle(st: StepState, rec: Rec, sent: Promise<void>): Promise<void> {
  return sent.then(
    () => {
      rec.acked = true;
      st.acked++;
      st.ackLatencies.push(performance.now() - rec.sentAt);
    },
    (err: unknown) => {
      rec.failed = true;
      st.failed++;
      if (st.errorSamples.length < 5) st.errorSamples.push(errorText(err));
    },
  );
}
