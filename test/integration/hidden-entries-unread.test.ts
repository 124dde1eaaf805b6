/**
 * Entries that show no message — a `profile-key` (sent silent) and a timer notice (written by the server) — count as
 * unread nowhere: not in the server's count, not in the client's engine; and a profile key leaves the preview alone.
 * Ordering marker: a text alice sends after each one (the log is delivered in order).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MLS_SILENT } from '../../src/protocol/e2e.js';
import type { ParleyClient } from '../../src/sdk/index.js';
import { realtimeOf } from '../support/e2ee.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { befriend, eventually, inbox, signedIn } from '../support/users.js';

describe(`profile keys and timer notices are not unread (${dialect})`, () => {
  let t: TestServer;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let direct: string;

  const bobEntry = () => bob.engine.getState().conversations[direct];
  const serverUnread = async () => (await bob.conversations.get(direct)).unread;
  const received = (box: { text: string }[], text: string) => eventually(() => box.some((m) => m.text === text), 10_000, `bob receives "${text}"`);

  beforeAll(async () => {
    t = await startTestServer();
    [alice, bob] = await Promise.all([signedIn(t, 'alice'), signedIn(t, 'bob')]);
    await befriend(alice, bob);
    direct = (await alice.conversations.openDirect('bob')).id;
  });
  afterAll(async () => {
    for (const c of [alice, bob]) c.close();
    await t.close();
  });

  it('after alice’s profile change bob’s unread count and preview stay as they were; after her timer change, his count', async () => {
    const box = inbox(bob);
    await alice.messages.send(direct, 'first');
    await received(box, 'first');
    await eventually(() => bobEntry()?.conversation.unread === 1 && bobEntry()?.preview?.text === 'first', 5_000, 'bob counts "first"');
    expect(await serverUnread()).toBe(1);

    // The profile key: stored silent, and nothing changes on bob's side.
    const keyArrived = new Promise<void>((resolve) => bob.on('profileKey', (u) => u === 'alice' && resolve()));
    await alice.profile.set({ displayName: 'Alice Quietly' });
    await keyArrived;
    const log = (await realtimeOf(bob).request('messages:history', { conversationId: direct })).messages;
    expect(log.filter((m) => m.contentType === MLS_SILENT)).toHaveLength(1);
    expect(await serverUnread()).toBe(1);
    expect(bobEntry()?.conversation.unread).toBe(1);
    expect(bobEntry()?.preview?.text).toBe('first');
    await alice.messages.send(direct, 'second');
    await received(box, 'second');
    await eventually(() => bobEntry()?.preview?.text === 'second', 5_000, 'bob previews "second"');
    expect(bobEntry()?.conversation.unread).toBe(2);
    expect(await serverUnread()).toBe(2);

    // The timer notice: shown as a notice, counted nowhere.
    await alice.conversations.setDisappearing(direct, 300);
    await eventually(() => box.some((m) => m.notice?.kind === 'disappearing'), 10_000, 'bob sees the timer notice');
    expect(await serverUnread()).toBe(2);
    expect(bobEntry()?.conversation.unread).toBe(2);
    await alice.messages.send(direct, 'third');
    await received(box, 'third');
    await eventually(() => bobEntry()?.preview?.text === 'third', 5_000, 'bob previews "third"');
    expect(bobEntry()?.conversation.unread).toBe(3);
    expect(await serverUnread()).toBe(3);

    // A fresh look (a reload): the server's count alone.
    expect((await bob.conversations.list()).find((c) => c.id === direct)?.unread).toBe(3);
  });
});
