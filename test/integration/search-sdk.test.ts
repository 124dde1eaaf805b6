/** Local search through the SDK, against a real server: backfill from the vault on a new device, live updates. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore, type Message, type OpenE2ee, type ParleyClient, type SearchEvent } from '../../src/sdk/index.js';
import { openWithSearch } from '../../src/sdk/worker.js';
import type { BackfillProgress } from '../../src/sdk/search/index.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { PASSWORDS, befriend, eventually, inbox, signedIn } from '../support/users.js';

const texts = async (client: ParleyClient, query: string, options = {}) => (await client.search(query, options)).map((h) => h.message.text);

/** Asks again until the answer is true (each search waits for the index), for at most 10 s. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits for the message with this id in the inbox (delivered as an event). */
const received = (box: Message[], id: string, what: string) => eventually(() => box.some((m) => m.id === id), 5_000, what);

describe(`search through the SDK (${dialect})`, () => {
  let t: TestServer;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let direct: string;
  let group: string;
  let edited: Message;
  let deleted: Message;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    t = await startTestServer({ env: { MESSAGES_PER_CONNECTION_PER_10S: '1000', EVENTS_PER_CONNECTION_PER_10S: '3000' } });
    [alice, bob] = await Promise.all([signedIn(t, 'alice'), signedIn(t, 'bob')]);
    clients.push(alice, bob);
    await befriend(alice, bob);
    direct = (await alice.conversations.openDirect('bob')).id;
    group = (await alice.conversations.createGroup('Trip', ['bob'])).id;
    const bobInbox = inbox(bob);
    await alice.messages.send(direct, 'On a réservé le restaurant près de la cathédrale pour samedi');
    await bob.messages.send(direct, 'Parfait, je prends les billets de train');
    edited = await alice.messages.send(group, 'The ferry leaves at nine');
    deleted = await alice.messages.send(group, 'secret-canary-xylophone do not keep');
    for (let i = 0; i < 130; i++) await alice.messages.send(group, `filler message number ${i} about the itinerary`);
    await alice.messages.edit(edited.id, 'The hovercraft leaves at ten');
    await alice.messages.delete(deleted.id);
    const last = await alice.messages.send(direct, 'à samedi');
    await received(bobInbox, last.id, 'bob reads the last message');
  }, 180_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
  });

  it('finds live messages on the device that received them, with typos and without accents', async () => {
    expect(await texts(bob, 'cathedrle')).toEqual(['On a réservé le restaurant près de la cathédrale pour samedi']);
    expect(await texts(bob, 'reserve', { sender: 'alice' })).toHaveLength(1);
    expect(await texts(bob, 'billets', { conversationId: group })).toEqual([]);
  });

  it('re-indexes edits and never finds a deleted message', async () => {
    expect(await texts(bob, 'ferry')).toEqual([]);
    expect(await texts(bob, 'hovercraft')).toEqual(['The hovercraft leaves at ten']);
    expect(await texts(bob, 'xylophone')).toEqual([]);
    expect(await texts(alice, 'hovercraft')).toEqual(['The hovercraft leaves at ten']);
    expect(await texts(alice, 'xylophone')).toEqual([]);
  });

  it('bob\'s new device backfills from the vault and finds messages from before it existed; a reload resumes', async () => {
    const store = new MemoryStore();
    const phone = t.client({ secretStore: store });
    clients.push(phone);
    const progress: BackfillProgress[] = [];
    phone.searchIndex.on('progress', (p) => progress.push(p));
    await phone.login('bob', PASSWORDS.bob ?? '');
    await phone.connect();
    await phone.searchIndex.backfilled();

    expect(progress.at(-1)).toMatchObject({ done: true });
    expect(progress.at(-1)?.indexed).toBe(progress.at(-1)?.total);
    // Several pages in the group: progress moved through intermediate values.
    expect(progress.filter((p) => !p.done && p.indexed > 0 && p.indexed < p.total).length).toBeGreaterThan(0);
    expect(await texts(phone, 'cathedrale')).toEqual(['On a réservé le restaurant près de la cathédrale pour samedi']);
    expect(await texts(phone, 'hovercraft')).toEqual(['The hovercraft leaves at ten']);
    expect(await texts(phone, 'ferry')).toEqual([]);
    expect(await texts(phone, 'xylophone')).toEqual([]);
    expect(await texts(phone, 'filler itinerary', { conversationId: group, limit: 200 })).toHaveLength(130);

    // A reload: a new client on the same store loads the index and resumes backfill from its cursors.
    phone.close();
    await phone.searchIndex.flush();
    const reloaded = t.client({ secretStore: store });
    clients.push(reloaded);
    const again: BackfillProgress[] = [];
    reloaded.searchIndex.on('progress', (p) => again.push(p));
    await reloaded.login('bob', PASSWORDS.bob ?? '');
    await reloaded.connect();
    await reloaded.searchIndex.backfilled();
    // Resumed: what the first run covered was covered at the first report (only the newest entries, this device's
    // own joins, were left).
    expect(again[0]?.indexed).toBeGreaterThanOrEqual(progress.at(-1)?.total ?? Infinity);
    expect(again.at(-1)).toMatchObject({ done: true });
    expect(await texts(reloaded, 'cathedrale')).toHaveLength(1);

    const phoneInbox = inbox(reloaded);
    const fresh = await alice.messages.send(direct, 'Nouvelle idée : le musée d’Orsay');
    await received(phoneInbox, fresh.id, 'the reloaded device reads it');
    expect(await texts(reloaded, 'musee orsay')).toEqual(['Nouvelle idée : le musée d’Orsay']);

    // Log-out erases the index from the device's store.
    await reloaded.logout();
    expect(await store.get('bob/search/manifest')).toBeUndefined();
  });
  it('with the index beside the end-to-end layer (as in the browser\'s worker): fed by what the layer decodes, backfilled by it, erased at log-out', async () => {
    // The browser's layout, in this thread: the layer opens with its own index in its own store; the client's store
    // (the page's) never holds any of it.
    const layerStore = new MemoryStore();
    const pageStore = new MemoryStore();
    let listener: ((e: SearchEvent) => void) | undefined;
    const openE2ee: OpenE2ee = async (host, options) => {
      const opened = await openWithSearch(host, layerStore, options, (e) => listener?.(e), { flushDelayMs: 50 });
      return { api: opened.api, deviceId: opened.deviceId, search: { ...opened.search, onEvent: (fn) => (listener = fn) } };
    };
    const tablet = t.client({ openE2ee, searchStore: pageStore });
    clients.push(tablet);
    const progress: BackfillProgress[] = [];
    tablet.searchIndex.on('progress', (p) => progress.push(p));
    await tablet.login('bob', PASSWORDS.bob ?? '');
    await tablet.connect();
    await tablet.searchIndex.backfilled();
    expect(progress.at(-1)).toMatchObject({ done: true });
    expect(await texts(tablet, 'cathedrale')).toEqual(['On a réservé le restaurant près de la cathédrale pour samedi']);
    expect(await texts(tablet, 'xylophone')).toEqual([]);

    // Live: decoded in the layer, indexed there; an edit re-indexes.
    const box = inbox(tablet);
    const fresh = await alice.messages.send(group, 'Meet at the lighthouse');
    await received(box, fresh.id, 'the tablet reads it');
    await until(async () => (await texts(tablet, 'lighthouse')).length === 1, 'indexed in the layer');
    await alice.messages.edit(fresh.id, 'Meet at the harbour');
    await until(async () => (await texts(tablet, 'harbour')).length === 1, 'the edit re-indexed');
    expect(await texts(tablet, 'lighthouse')).toEqual([]);

    await tablet.searchIndex.flush();
    expect(await layerStore.get('bob/search/manifest')).toBeDefined();
    expect(await pageStore.get('bob/search/manifest')).toBeUndefined();
    await tablet.logout();
    expect(await layerStore.get('bob/search/manifest')).toBeUndefined();
  });
});
