// MLS bodies in a load generator (`--body mls`): the groups' making through the SDK, the pool encrypted before each
// step (bench/mls-traffic.ts), and the sends of a step in each conversation's log order (a commit after the sends
// before it are acknowledged; the sends after it held until it is).
import { performance } from 'node:perf_hooks';
import { conversations, pool, randomInt, send, settle, track, type Conversation, type Member, type StepState } from './generator-state.js';
import { bodyKey, formGroup, harvestGroup, type PoolItem } from './mls-traffic.js';
import type { DriverCommand, GeneratorConfig } from './protocol.js';
import { WireUser } from './wire-target.js';

export const wireUser = (m: Member): WireUser => {
  if (!(m.user instanceof WireUser)) throw new Error('MLS bodies need the wire client');
  return m.user;
};

/**
 * Every conversation becomes an MLS group through the SDK (each active user's account client connects for this only),
 * then the SDK clients close and the members' group states are taken from their stores. Returns the size of one
 * PrivateMessage of `messageBytes` of text.
 */
export async function formGroups(c: GeneratorConfig): Promise<number> {
  const people = [...new Set(conversations.flatMap((cv) => cv.members))];
  await pool(people, c.concurrency, 'MLS devices', async (m) => {
    const account = wireUser(m).account;
    await account.connect();
    if (!(await account.encryption.currentDevice())) throw new Error(`${m.user.name}: no MLS device`);
  });
  await pool(conversations, Math.max(1, Math.floor(c.concurrency / 2)), 'MLS groups', async (cv) => {
    await formGroup(cv.id, cv.members.map((m) => wireUser(m).account));
  });
  for (const m of people) wireUser(m).account.close();
  await pool(conversations, c.concurrency, 'MLS states', async (cv) => {
    cv.mls = await harvestGroup(
      cv.id,
      cv.members.map((m) => {
        const u = wireUser(m);
        if (!u.mls) throw new Error(`${u.name} has no MLS device`);
        return { mls: u.mls, request: (event, payload) => u.request(event, payload) as never };
      }),
    );
  });
  const sample = conversations[0]?.mls;
  if (!sample) return c.messageBytes;
  return (await sample.pool(1, 'x'.repeat(c.messageBytes), 0, randomInt))[0]?.body.byteLength ?? c.messageBytes;
}

/** Body keys of messages sent outside any step (leftover commits): not counted as unknown when they arrive. */
export const outsideSteps = new Set<string>();

/**
 * The previous step's pool may end with commits it never sent, which the members' states already took: they go to the
 * server now (outside any step, in order), so that the server's epoch is the states' again. Unsent messages are dropped.
 */
async function sendLeftoverCommits(): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (conversations.some((cv) => cv.committing || cv.commitWaiting) && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const cv of conversations) {
    const left = cv.pool;
    cv.pool = [];
    cv.held = [];
    for (const item of left) {
      if (item.kind !== 'commit') continue;
      outsideSteps.add(bodyKey(item.body));
      await wireUser(cv.members[item.sender] as Member).sendMls(cv.id, item);
    }
  }
}

/** The order in which a step's sends visit the conversations (drawn before the step), and their pooled items. */
let schedule: number[] = [];

/** Before a step: with MLS bodies against Parley (`parley`), draws the schedule and encrypts the pool; reports `prepared`. */
export async function prepare(c: GeneratorConfig, parley: boolean, cmd: Extract<DriverCommand, { type: 'prepare' }>): Promise<void> {
  const t0 = performance.now();
  schedule = [];
  let commits = 0;
  if (c.body === 'mls' && parley && conversations.length > 0) {
    await sendLeftoverCommits();
    // A little more than the step can send, so that a generator running late never runs dry.
    const count = Math.ceil((cmd.rate * cmd.durationMs) / 1000 * 1.02) + 10;
    const per = new Array<number>(conversations.length).fill(0);
    for (let i = 0; i < count; i++) {
      const k = randomInt(conversations.length);
      schedule.push(k);
      per[k] = (per[k] ?? 0) + 1;
    }
    const text = 'x'.repeat(Math.max(1, c.messageBytes));
    let done = 0;
    await pool(conversations.map((cv, k) => ({ cv, k })), 1, 'encrypt', async ({ cv, k }) => {
      if (!cv.mls) throw new Error(`no MLS group for ${cv.id}`);
      cv.pool = await cv.mls.pool(per[k] ?? 0, text, c.commitEvery, randomInt);
      commits += cv.pool.filter((p) => p.kind === 'commit').length;
      done += cv.pool.length;
    });
    send({ type: 'prepared', step: cmd.step, messages: done, commits, seconds: (performance.now() - t0) / 1000 });
    return;
  }
  send({ type: 'prepared', step: cmd.step, messages: 0, commits: 0, seconds: (performance.now() - t0) / 1000 });
}

/** The next send of the schedule drawn by `prepare`: its conversation's next pooled item (see bench/mls-traffic.ts). */
export function sendPooled(st: StepState): void {
  const k = schedule[st.due - 1];
  // Past the end of the schedule (the pool ran dry): not sent, so not offered.
  const conversation = k === undefined ? undefined : conversations[k];
  if (!conversation) return;
  const dueAt = performance.now();
  if (conversation.committing || conversation.commitWaiting) {
    // After a commit, the next epoch's messages wait for it to be stored (as a client's would).
    conversation.held.push(dueAt);
    return;
  }
  sendItem(st, conversation, dueAt);
}

function sendItem(st: StepState, conversation: Conversation, dueAt: number): void {
  const item = conversation.pool.shift();
  if (!item) return;
  if (item.kind === 'commit' && conversation.inFlight > 0) {
    conversation.commitWaiting = { item, dueAt };
    return;
  }
  dispatch(st, conversation, item, dueAt);
}

function dispatch(st: StepState, conversation: Conversation, item: PoolItem, dueAt: number): void {
  const rec = track(st, bodyKey(item.body), conversation, item.sender, dueAt);
  const user = conversation.members[item.sender]?.user;
  if (!(user instanceof WireUser)) throw new Error('MLS bodies need the wire client');
  const commit = item.kind === 'commit';
  if (commit) conversation.committing = true;
  conversation.inFlight++;
  void settle(st, rec, user.sendMls(conversation.id, item)).then(() => {
    conversation.inFlight--;
    if (commit) {
      conversation.committing = false;
      // The commit is stored: the sends held behind it go now, each timed from when it was due.
      for (const due of conversation.held.splice(0)) {
        if (conversation.committing || conversation.commitWaiting) conversation.held.push(due);
        else sendItem(st, conversation, due);
      }
    } else if (conversation.inFlight === 0 && conversation.commitWaiting) {
      const waiting = conversation.commitWaiting;
      conversation.commitWaiting = undefined;
      dispatch(st, conversation, waiting.item, waiting.dueAt);
    }
  });
}
