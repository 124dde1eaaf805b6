import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, ParleyClient } from '../../src/sdk/index.js';
import { dialect } from '../support/env.js';
import { ServerProcess } from '../support/process-server.js';
import { eventually, inbox, PASSWORDS } from '../support/users.js';

/** The messages before the marker (the marker sent last arrives after anything sent before it). */
const withoutMarker = <T extends { text: string }>(box: T[]): T[] => box.slice(0, box.findIndex((m) => m.text === 'marker'));

async function join(s: ServerProcess, name: string): Promise<ParleyClient> {
  const c = s.client();
  await c.signup(name, PASSWORDS[name] ?? '');
  await c.connect();
  return c;
}

/** Every message exactly once, in sequence order, with no gap. */
function assertExactlyOnceInOrder(received: Message[], expectedTexts: string[]): void {
  const seqs = received.map((m) => m.seq);
  expect(new Set(seqs).size).toBe(seqs.length);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe((seqs[i - 1] ?? 0) + 1);
  expect(received.map((m) => m.text).sort()).toEqual([...expectedTexts].sort());
}

describe(`delivery survives a SIGKILL of the server (${dialect})`, () => {
  let server: ServerProcess;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let carol: ParleyClient;
  let group: string;

  beforeAll(async () => {
    server = await ServerProcess.start();
    alice = await join(server, 'alice');
    bob = await join(server, 'bob');
    carol = await join(server, 'carol');
    for (const other of [bob, carol]) {
      await alice.contacts.request(other.user?.username ?? '');
      await other.contacts.accept('alice');
    }
    group = (await alice.conversations.createGroup('crash test', ['bob', 'carol'])).id;
  }, 60_000);

  afterAll(async () => {
    for (const c of [alice, bob, carol]) c.close();
    await server.close();
  });

  it('every acknowledged message reaches every member exactly once, in order; unacknowledged ones are re-sent once', async () => {
    const bobInbox = inbox(bob);
    const carolInbox = inbox(carol);
    const total = 150;
    const texts = Array.from({ length: total }, (_, i) => `m-${i}`);
    let acked = 0;
    let killed = false;

    // Up to 4 sends in flight, so some are mid-transaction or unacknowledged when the process dies.
    const results: Message[] = [];
    let next = 0;
    const worker = async () => {
      while (next < total) {
        const text = texts[next++] ?? '';
        const m = await alice.messages.send(group, text);
        results.push(m);
        acked++;
        if (acked === 40 && !killed) {
          killed = true;
          await server.kill();
          // Down until every client has seen its connection drop (not a fixed pause), then up again.
          await eventually(() => [alice, bob, carol].every((c) => !c.connected), 10_000, 'the clients to see the server gone');
          await server.boot();
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    expect(killed).toBe(true);
    expect(results).toHaveLength(total);

    // The server holds each message once: no retry created a duplicate.
    const history: Message[] = [];
    for (let before: number | undefined; ; ) {
      const page = await alice.messages.page(group, { limit: 100, ...(before ? { before } : {}) });
      history.unshift(...page.messages);
      if (!page.hasMore) break;
      before = page.messages[0]?.seq;
    }
    assertExactlyOnceInOrder(history, texts);
    expect(new Set(results.map((m) => m.id)).size).toBe(total);

    // A marker sent last arrives after any duplicate would have: delivery is in order per conversation.
    await alice.messages.send(group, 'marker');
    await eventually(() => [bobInbox, carolInbox].every((box) => box.some((m) => m.text === 'marker')), 20_000, 'delivery to bob and carol');
    assertExactlyOnceInOrder(withoutMarker(bobInbox), texts);
    assertExactlyOnceInOrder(withoutMarker(carolInbox), texts);
  }, 90_000);

  it('a client whose connection dropped resumes from its last sequence with no gap and no duplicate', async () => {
    const bobInbox = inbox(bob);
    const socket = (bob as unknown as { realtime: { socket?: { io: { engine: { close(): void } } } } }).realtime.socket;
    socket?.io.engine.close();
    const texts = Array.from({ length: 30 }, (_, i) => `offline-${i}`);
    for (const text of texts) await alice.messages.send(group, text);
    await alice.messages.send(group, 'marker');
    await eventually(() => bobInbox.some((m) => m.text === 'marker'), 15_000, 'catch-up after reconnect');
    assertExactlyOnceInOrder(withoutMarker(bobInbox), texts);
  }, 60_000);
});
