import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, ParleyClient } from '../../src/sdk/index.js';
import { createTestDatabase } from '../support/database.js';
import { testEnv } from '../support/env.js';
import { clientFor, freePort, ServerProcess } from '../support/process-server.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { eventually, inbox, PASSWORDS } from '../support/users.js';

const ready = Boolean(testEnv.databaseUrl && testEnv.redisUrl);
// Runs in the PostgreSQL pass of CI (which requires pg and redis); skipped on SQLite-only runs.
const required = testEnv.require.has('pg');

describe.skipIf(!ready && !required)('two instances on one PostgreSQL and one Redis', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let proxy: TcpProxy;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    if (!ready) throw new Error('PARLEY_TEST_DATABASE_URL and PARLEY_TEST_REDIS_URL are required for the multi-instance test');
    const db = await createTestDatabase();
    const [portA, portB] = [await freePort(), await freePort()];
    proxy = new TcpProxy([portA, portB]);
    await proxy.listen();
    const env = {
      REDIS_URL: testEnv.redisUrl ?? '',
      PUBLIC_ORIGIN: [proxy.url, `http://127.0.0.1:${portA}`, `http://127.0.0.1:${portB}`].join(','),
    };
    a = await ServerProcess.start(env, db, portA);
    b = await ServerProcess.start(env, db, portB);
  }, 90_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await proxy?.close();
    await a?.kill();
    await b?.close();
  });

  const connectAs = async (client: ParleyClient, name: string, signup = true): Promise<ParleyClient> => {
    if (signup) await client.signup(name, PASSWORDS[name] ?? '');
    else await client.login(name, PASSWORDS[name] ?? '');
    await client.connect();
    clients.push(client);
    return client;
  };

  it('alice on A and bob on B: contacts, direct and group chat, presence, revocation; then A dies and nothing is lost', async () => {
    // alice talks to instance A through the proxy (B is its fallback); bob and carol talk to instance B directly.
    const alice = await connectAs(clientFor(proxy.url), 'alice');
    const bob = await connectAs(b.client(), 'bob');
    const carol = await connectAs(b.client(), 'carol');

    const bobContacts: string[] = [];
    bob.on('contact', (c) => bobContacts.push(`${c.username}:${c.state}`));
    await alice.contacts.request('bob');
    await eventually(() => bobContacts.includes('alice:incoming'), 3_000, 'request across instances');
    await bob.contacts.accept('alice');
    await alice.contacts.request('carol');
    await carol.contacts.accept('alice');
    expect((await bob.contacts.list()).find((c) => c.username === 'alice')?.online).toBe(true);

    const direct = (await alice.conversations.openDirect('bob')).id;
    const bobInbox = inbox(bob);
    await alice.messages.send(direct, 'hello across instances');
    await eventually(() => bobInbox.length === 1, 3_000, 'direct message across instances');

    const group = (await alice.conversations.createGroup('A and B', ['bob', 'carol'])).id;
    const carolInbox = inbox(carol);
    await bob.messages.send(group, 'from B');
    await eventually(() => carolInbox.some((m) => m.text === 'from B'), 3_000, 'group message');

    // Revocation reaches a socket on the other instance.
    const bobPhone = await connectAs(b.client(), 'bob', false);
    const phoneSignedOut: string[] = [];
    bobPhone.on('signedOut', (reason) => phoneSignedOut.push(reason));
    const phoneSession = (await bobPhone.me()).session.id;
    const bobViaA = clientFor(proxy.url);
    await bobViaA.login('bob', PASSWORDS.bob ?? '');
    await bobViaA.sessions.revoke(phoneSession);
    await eventually(() => phoneSignedOut.length === 1, 3_000, 'revocation across instances');

    // A stream of sends from alice while instance A is SIGKILLed: she reconnects (through the proxy) to B.
    const texts = Array.from({ length: 60 }, (_, i) => `stream-${i}`);
    bobInbox.length = 0;
    const sent: Message[] = [];
    let killed = false;
    for (const text of texts) {
      sent.push(await alice.messages.send(direct, text));
      if (sent.length === 20 && !killed) {
        killed = true;
        await a.kill();
      }
    }
    expect(new Set(sent.map((m) => m.id)).size).toBe(texts.length);
    // A marker sent last arrives after any duplicate would have: delivery is in order per conversation.
    await alice.messages.send(direct, 'marker');
    await eventually(() => bobInbox.some((m) => m.text === 'marker'), 15_000, 'all messages at bob');
    const received = bobInbox.slice(0, bobInbox.findIndex((m) => m.text === 'marker'));
    expect(received.map((m) => m.text)).toEqual(texts);
    const seqs = received.map((m) => m.seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe((seqs[i - 1] ?? 0) + 1);
    const history = await bob.messages.history(direct, { limit: 100 });
    expect(history.filter((m) => m.text.startsWith('stream-')).map((m) => m.text)).toEqual(texts);
  }, 90_000);
});
