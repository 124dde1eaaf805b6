// One load generator: a child process of bench/run.ts (never the server's process). It owns a slice of the users,
// builds its own conversations among them (so every sender and every receiver of a message live here and share one
// clock), sends at the rate it is told, and accounts for every message at every member: latency, loss, duplicates,
// order. Driven over IPC (bench/protocol.ts); the same code drives Parley (SDK) and the bare relay.
import { performance } from 'node:perf_hooks';
import type { DriverCommand, FinalStepReport, GeneratorConfig, StepReport } from './protocol.js';
import { isDriverCommand } from './protocol.js';
import {
  conversations,
  errorText,
  pool,
  randomInt,
  recs,
  send,
  settle,
  track,
  type Member,
  type Rec,
  type StepState,
} from './generator-state.js';
import { formGroups, outsideSteps, prepare, sendPooled } from './mls-steps.js';
import { bodyKey } from './mls-traffic.js';
import { parleyTarget, relayTarget, type Received, type Target } from './targets.js';
import { parleyWireTarget } from './wire-target.js';

const MAGIC = 'pb';

let config: GeneratorConfig | undefined;
let target: Target | undefined;
const members: Member[] = [];
const steps = new Map<number, StepState>();
let current: StepState | undefined;
let counter = 0;
let unknown = 0;

const nowEpoch = (): number => performance.timeOrigin + performance.now();

function onMessage(receiver: string, lastSeq: Map<string, number>, m: Received): void {
  let rec: Rec | undefined;
  let sentEpoch: number | undefined;
  if (m.text === '' && m.body) {
    rec = recs.get(bodyKey(m.body));
  } else {
    const parts = m.text.split('|', 4);
    rec = parts[0] === MAGIC ? recs.get(parts[1] ?? '') : undefined;
    sentEpoch = Number(parts[3]);
  }
  // Every entry of the log moves the order check on (the groups' set-up messages too, which are no step's).
  const last = lastSeq.get(m.conversationId) ?? 0;
  if (m.seq > last) lastSeq.set(m.conversationId, m.seq);
  const st = rec ? steps.get(rec.step) : undefined;
  const idx = rec?.conversation.indexOf.get(receiver);
  if (!rec || !st || idx === undefined || rec.conversation.id !== m.conversationId) {
    if (steps.size > 0 && !(m.body && outsideSteps.has(bodyKey(m.body)))) unknown++;
    return;
  }
  if (m.seq !== last + 1) st.outOfOrder++;
  const bit = 1 << idx;
  if (rec.gotMask & bit) {
    st.duplicated++;
    return;
  }
  rec.gotMask |= bit;
  const now = performance.now();
  if (idx !== rec.sender) {
    // Sender and receivers share this process's clock: plain text carries its send time, MLS sends keep it in `rec`.
    st.latencies.push(sentEpoch === undefined ? now - rec.sentAt : nowEpoch() - sentEpoch);
    if (now <= st.windowEnd) st.deliveriesInWindow++;
  }
  if (rec.gotMask === rec.conversation.allMask) {
    rec.completedAt = now;
    st.completed++;
    if (now <= st.windowEnd) st.completedInWindow++;
  }
}

function onDisconnect(): void {
  if (current) current.disconnects++;
}

async function setup(c: GeneratorConfig): Promise<void> {
  config = c;
  const address = (i: number) => (c.sourceAddresses.length > 0 ? c.sourceAddresses[i % c.sourceAddresses.length] : undefined);
  // The active users (the first of this generator's users) get an MLS device with MLS bodies.
  const activeCount = Math.round(c.users * c.activeFraction);
  target =
    c.target === 'relay'
      ? relayTarget(c.url, address)
      : c.client === 'sdk'
        ? parleyTarget(c.url)
        : parleyWireTarget(c.url, (i) => ({ mls: c.body === 'mls' && i < activeCount, localAddress: address(i) }));
  const t = target;
  for (let i = 0; i < c.users; i++) {
    const name = `b${c.runId}g${c.index}u${i}`;
    const lastSeq = new Map<string, number>();
    const user = t.user(name, { onMessage: (m) => onMessage(name, lastSeq, m), onDisconnect });
    members.push({ user, lastSeq });
  }
  if (t.kind === 'parley') {
    await pool(members, c.concurrency, 'sign up', async (m) => {
      for (let attempt = 1; ; attempt++) {
        try {
          await m.user.signup();
          return;
        } catch (err) {
          if (attempt >= 3) throw new Error(`sign-up of ${m.user.name} failed: ${errorText(err)}`);
          await new Promise((r) => setTimeout(r, 500 * attempt));
        }
      }
    });
  }
  send({ type: 'setupDone', users: members.length });
}

const connected = new Set<Member>();

async function connectAll(c: GeneratorConfig): Promise<void> {
  let failed = 0;
  const errorSamples: string[] = [];
  await pool(members, c.concurrency, 'connect', async (m) => {
    try {
      await m.user.connect();
      connected.add(m);
    } catch (err) {
      failed++;
      if (errorSamples.length < 5) errorSamples.push(errorText(err));
    }
  });
  send({ type: 'connected', users: connected.size, failed, errorSamples });
}


/** Active users: half in direct pairs, half in groups of 3–5 (contacts first: Parley allows only contacts). */
async function converse(c: GeneratorConfig): Promise<void> {
  const t = target;
  if (!t) throw new Error('converse before setup');
  // The active users are the first ones (in the order they were made: with MLS bodies, those with a device).
  const chosen = members.slice(0, Math.round(members.length * c.activeFraction)).filter((m) => connected.has(m));
  const active = chosen.length;
  const inPairs = Math.floor(active / 4) * 2;
  const plans: { kind: 'direct' | 'group'; people: Member[] }[] = [];
  for (let i = 0; i + 1 < inPairs; i += 2) plans.push({ kind: 'direct', people: chosen.slice(i, i + 2) });
  let rest = chosen.slice(inPairs);
  while (rest.length >= 3) {
    let size = Math.min(rest.length, 3 + randomInt(3));
    // Never leave one or two people behind: take them in, or make this group smaller.
    if (rest.length - size > 0 && rest.length - size < 3) size = rest.length <= 5 ? rest.length : 3;
    plans.push({ kind: 'group', people: rest.slice(0, size) });
    rest = rest.slice(size);
  }
  if (rest.length === 2) plans.push({ kind: 'direct', people: rest });
  let groupNo = 0;
  await pool(plans, Math.max(1, Math.floor(c.concurrency / 2)), 'conversations', async (plan) => {
    const [owner, ...others] = plan.people;
    if (!owner) return;
    for (const o of others) await t.befriend(owner.user, o.user);
    const id =
      plan.kind === 'direct'
        ? await t.direct(owner.user, (others[0] as Member).user)
        : await t.group(owner.user, others.map((o) => o.user), `bench-${c.index}-${++groupNo}`);
    conversations.push({
      id,
      members: plan.people,
      indexOf: new Map(plan.people.map((p, i) => [p.user.name, i])),
      allMask: (1 << plan.people.length) - 1,
      pool: [],
      inFlight: 0,
      commitWaiting: undefined,
      committing: false,
      held: [],
    });
  });
  // Give the members' clients a moment to learn about conversations they were added to.
  await new Promise((r) => setTimeout(r, 500));
  let bodyBytes = c.messageBytes;
  if (c.body === 'mls' && t.kind === 'parley') bodyBytes = await formGroups(c);
  send({
    type: 'conversing',
    conversations: conversations.length,
    activeUsers: conversations.reduce((n, cv) => n + cv.members.length, 0),
    directs: conversations.filter((cv) => cv.members.length === 2).length,
    groups: conversations.filter((cv) => cv.members.length > 2).length,
    bodyBytes,
  });
}

function sendOne(st: StepState, padding: string): void {
  if (config?.body === 'mls' && target?.kind === 'parley') {
    sendPooled(st);
    return;
  }
  const conversation = conversations[randomInt(conversations.length)];
  if (!conversation) return;
  const sender = randomInt(conversation.members.length);
  const key = `${config?.index ?? 0}.${++counter}`;
  const header = `${MAGIC}|${key}|${st.step}|${nowEpoch().toFixed(3)}|`;
  const text = header.length < padding.length ? header + padding.slice(header.length) : header;
  const rec = track(st, key, conversation, sender, performance.now());
  const member = conversation.members[sender] as Member;
  void settle(st, rec, member.user.send(conversation.id, text));
}

const settled = (st: StepState): boolean =>
  st.acked + st.failed === st.sent && st.recs.every((r) => !r.acked || r.completedAt > 0);

async function runStep(cmd: Extract<DriverCommand, { type: 'step' }>): Promise<void> {
  const padding = 'x'.repeat(Math.max(0, config?.messageBytes ?? 0));
  const start = performance.now();
  const st: StepState = {
    step: cmd.step,
    windowStart: start,
    windowEnd: start + cmd.durationMs,
    drainEnd: Number.POSITIVE_INFINITY,
    sent: 0,
    acked: 0,
    failed: 0,
    due: 0,
    errorSamples: [],
    latencies: [],
    ackLatencies: [],
    completed: 0,
    completedInWindow: 0,
    deliveriesInWindow: 0,
    duplicated: 0,
    outOfOrder: 0,
    disconnects: 0,
    recs: [],
  };
  steps.set(cmd.step, st);
  current = st;
  const perMs = cmd.rate / 1000;
  let lastTick = start;
  // Open loop: sends are due on a fixed schedule whatever the answers do (no coordinated omission).
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      const due = Math.floor((Math.min(now, st.windowEnd) - start) * perMs) - st.due;
      for (let i = 0; i < due; i++) {
        st.due++;
        sendOne(st, padding);
      }
      if (now - lastTick >= 500) {
        lastTick = now;
        send({ type: 'stepTick', step: st.step, sent: st.sent, acked: st.acked, delivered: st.completed });
      }
      if (now >= st.windowEnd) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
  const drainDeadline = performance.now() + cmd.drainMs;
  while (!settled(st) && performance.now() < drainDeadline) {
    await new Promise((r) => setTimeout(r, 50));
    send({ type: 'stepTick', step: st.step, sent: st.sent, acked: st.acked, delivered: st.completed });
  }
  st.drainEnd = performance.now();
  current = undefined;
  const report: StepReport = {
    step: st.step,
    sent: st.sent,
    acked: st.acked,
    failed: st.failed,
    unacked: st.sent - st.acked - st.failed,
    errorSamples: st.errorSamples,
    latencies: Float64Array.from(st.latencies),
    ackLatencies: Float64Array.from(st.ackLatencies),
    completedInWindow: st.completedInWindow,
    completed: st.completed,
    deliveriesInWindow: st.deliveriesInWindow,
    undeliveredAtDrain: st.recs.filter((r) => r.acked && r.completedAt === 0).length,
    duplicated: st.duplicated,
    outOfOrder: st.outOfOrder,
    disconnects: st.disconnects,
    windowMs: cmd.durationMs,
  };
  // The samples went out in the report; keep only what the final tally needs.
  st.latencies = [];
  st.ackLatencies = [];
  send({ type: 'stepDone', report });
}

async function finalTally(graceMs: number): Promise<void> {
  const deadline = performance.now() + graceMs;
  while ([...steps.values()].some((st) => !settled(st)) && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const out: FinalStepReport[] = [...steps.values()].map((st) => ({
    step: st.step,
    lost: st.recs.filter((r) => r.acked && r.completedAt === 0).length,
    unacked: st.recs.filter((r) => !r.acked && !r.failed).length,
    duplicated: st.duplicated,
    late: st.recs.filter((r) => r.completedAt > st.drainEnd).length,
  }));
  send({ type: 'finalDone', steps: out, unknown });
}

function stop(): void {
  for (const m of members) m.user.close();
  setTimeout(() => process.exit(0), 100);
}

process.on('message', (raw: unknown) => {
  if (!isDriverCommand(raw)) return;
  const fail = (err: unknown) => send({ type: 'error', message: errorText(err) });
  switch (raw.type) {
    case 'setup':
      setup(raw.config).catch(fail);
      return;
    case 'connect':
      if (config) connectAll(config).catch(fail);
      return;
    case 'converse':
      if (config) converse(config).catch(fail);
      return;
    case 'prepare':
      if (config) prepare(config, target?.kind === 'parley', raw).catch(fail);
      return;
    case 'step':
      runStep(raw).catch(fail);
      return;
    case 'final':
      finalTally(raw.graceMs).catch(fail);
      return;
    case 'stop':
      stop();
      return;
  }
});

process.on('disconnect', () => process.exit(0));
process.on('unhandledRejection', (err) => {
  send({ type: 'error', message: `unhandled: ${errorText(err)}` });
});
