import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyError, type ConversationDto, type ParleyClient } from '../../src/sdk/index.js';
import { loadVapidKeys } from '../../src/server/push/vapid.js';
import { dialect } from '../support/env.js';
import { StandInPushService, type StandInSubscription } from '../support/push-service.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { befriend, PASSWORDS, signedIn } from '../support/users.js';

const GROUP_NAME = 'Secret plans';
const TEXTS = ['meet at the old mill', 'bring the map', 'tell no one'];

describe(`Web Push that leaks nothing (${dialect})`, () => {
  let t: TestServer;
  let service: StandInPushService;
  let alice: ParleyClient;
  let bob: ParleyClient;
  let carol: ParleyClient;
  let group: ConversationDto;
  const subs: Record<string, StandInSubscription> = {};

  /** Every pending push sent and answered (the server's notifier drained; the 10 s window keeps a burst in one push). */
  const settled = async () => {
    await t.server.deps.push?.drain();
  };

  beforeAll(async () => {
    service = new StandInPushService();
    await service.start();
    t = await startTestServer({
      env: { PUSH_ALLOW_HTTP: 'true', PUSH_SERVICE_HOSTS: '127.0.0.1', PUSH_COALESCE_MS: '10000' },
    });
    [alice, bob, carol] = await Promise.all([signedIn(t, 'alice'), signedIn(t, 'bob'), signedIn(t, 'carol')]);
    await befriend(alice, bob);
    await befriend(alice, carol);
    group = await alice.conversations.createGroup(GROUP_NAME, ['bob', 'carol']);
    for (const [name, client] of [['alice', alice], ['bob', bob], ['carol', carol]] as const) {
      subs[name] = service.subscribe(name);
      await client.notifications.subscribePush(subs[name]);
    }
  });
  afterAll(async () => {
    for (const c of [alice, bob, carol]) c?.close();
    await t?.close();
    await service?.close();
  });

  it('serves one VAPID public key, made once and kept in the database', async () => {
    const key = await bob.notifications.vapidPublicKey();
    expect(key).toMatch(/^[A-Za-z0-9_-]{87}$/);
    // What a restart or another instance reads: the same pair.
    expect((await loadVapidKeys(t.server.deps.db)).publicKey).toBe(key);
  });

  it('coalesces a burst into one push per subscription holding only {c, n}, encrypted (aes128gcm), never to the sender', async () => {
    const before = service.received.length;
    for (const text of TEXTS) await alice.messages.send(group.id, text);
    await settled();
    const pushes = service.received.slice(before);
    expect(pushes.map((p) => p.subscription).sort()).toEqual(['bob', 'carol']);
    const key = await bob.notifications.vapidPublicKey();
    for (const push of pushes) {
      expect(push.headers['content-encoding']).toBe('aes128gcm');
      expect(push.headers.authorization).toMatch(new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${key}$`));
      expect(Number(push.headers.ttl)).toBeGreaterThan(0);
      expect(push.headers.topic).toBeUndefined();
      const payload = JSON.parse(push.plaintext) as Record<string, unknown>;
      expect(payload.c).toBe(group.id);
      expect(payload.n).toBe(TEXTS.length);
      expect(Object.keys(payload).sort()).toEqual(['c', 'n', 'p']);
      // Nothing that names the sender, the conversation or the text: not in the payload, not in a header.
      // The VAPID key and the token's signature are random base64, where a name can turn up by chance (a CI run once
      // met "bob" inside the key): the token's readable part, its claims, is what is searched instead.
      const { authorization, ...headers } = push.headers;
      const claims = Buffer.from(/^vapid t=[\w-]+\.([\w-]+)\./.exec(String(authorization))?.[1] ?? '', 'base64url').toString('utf8');
      expect(claims).toContain('"aud"');
      const everything = `${push.plaintext} ${JSON.stringify(headers)} ${claims}`.toLowerCase();
      for (const secret of ['alice', 'bob', 'carol', GROUP_NAME.toLowerCase(), ...TEXTS]) expect(everything).not.toContain(secret);
    }
  });

  it('pads every payload to one size, whatever the count', async () => {
    const before = service.received.length;
    await carol.messages.send(group.id, 'one');
    await settled();
    const one = service.received.slice(before);
    expect(one.map((p) => p.subscription).sort()).toEqual(['alice', 'bob']);
    const earlier = service.for('bob').at(-2);
    expect(earlier && (JSON.parse(earlier.plaintext) as { n: number }).n).toBe(TEXTS.length);
    expect(new Set(service.received.map((p) => p.bytes)).size).toBe(1);
  });

  it('sends nothing for a muted conversation or one in "mentions only", and the setting reaches the user\'s other device', async () => {
    const bob2 = t.client();
    await bob2.login('bob', PASSWORDS.bob ?? '');
    await bob2.connect();
    const seen = new Promise<ConversationDto>((resolve) => bob2.on('conversation', (c) => c.notify?.mutedUntil && resolve(c)));
    const muted = await bob.notifications.mute(group.id, '1h');
    expect(Date.parse(String(muted.notify?.mutedUntil)) - Date.now()).toBeGreaterThan(59 * 60_000);
    expect((await seen).notify?.mutedUntil).toBe(muted.notify?.mutedUntil);
    // A device that asks later reads it too; the other members' views do not carry bob's setting.
    expect((await bob2.conversations.get(group.id)).notify?.mutedUntil).toBe(muted.notify?.mutedUntil);
    expect((await alice.conversations.get(group.id)).notify).toEqual({ mutedUntil: null, mentionsOnly: false });
    await carol.notifications.mentionsOnly(group.id, true);

    const before = service.received.length;
    await alice.messages.send(group.id, 'anyone there?');
    await settled();
    expect(service.received.slice(before)).toEqual([]);

    expect((await bob.notifications.mute(group.id, 'forever')).notify?.mutedUntil).toBe('forever');
    expect((await bob.notifications.mute(group.id, 'off')).notify).toEqual({ mutedUntil: null, mentionsOnly: false });
    await carol.notifications.mentionsOnly(group.id, false);
    await alice.messages.send(group.id, 'back again');
    await settled();
    expect(service.received.slice(before).map((p) => p.subscription).sort()).toEqual(['bob', 'carol']);
    bob2.close();
  });

  it('drops a subscription the push service says is gone (410), and retries one that is busy (503) a bounded number of times', async () => {
    service.answer('carol', 410);
    service.answer('bob', 503);
    const before = service.received.length;
    await alice.messages.send(group.id, 'still there?');
    await settled();
    // carol's once (410, then deleted); bob's twice (503, then 201 on the retry).
    expect(service.received.slice(before).map((p) => p.subscription).sort()).toEqual(['bob', 'bob', 'carol']);
    await expect(carol.notifications.unsubscribePush(subs.carol?.endpoint ?? '')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const next = service.received.length;
    await alice.messages.send(group.id, 'and now?');
    await settled();
    expect(service.received.slice(next).map((p) => p.subscription)).toEqual(['bob']);
  });

  it('ends a subscription with its session (revoked from another device)', async () => {
    const bob2 = t.client();
    await bob2.login('bob', PASSWORDS.bob ?? '');
    const sessions = await bob2.sessions.list();
    const others = sessions.filter((s) => !s.current);
    expect(others.length).toBeGreaterThan(0);
    for (const s of others) await bob2.sessions.revoke(s.id);
    const before = service.received.length;
    await alice.messages.send(group.id, 'bob?');
    await settled();
    expect(service.received.slice(before)).toEqual([]);
    bob2.close();
  });

  it('refuses what it must: an unknown push service, bad keys, someone else\'s subscription, a conversation not one\'s own', async () => {
    const bad = (p: Promise<unknown>, code: string) => expect(p).rejects.toSatisfy((e) => e instanceof ParleyError && e.code === code);
    await bad(alice.notifications.subscribePush({ ...subs.alice, endpoint: 'https://evil.example/push/x' }), 'VALIDATION_FAILED');
    await bad(alice.notifications.subscribePush({ endpoint: `${service.url}/push/y`, keys: { p256dh: 'short', auth: 'x' } }), 'VALIDATION_FAILED');
    await bad(carol.notifications.unsubscribePush(subs.alice?.endpoint ?? ''), 'NOT_FOUND');
    const direct = await alice.conversations.openDirect('bob');
    await bad(carol.notifications.mute(direct.id, '8h'), 'NOT_FOUND');
    await bad(carol.notifications.mute('00000000-0000-4000-8000-000000000000', '8h'), 'NOT_FOUND');
    // Nothing changed: alice's subscription still receives.
    await alice.notifications.unsubscribePush(subs.alice?.endpoint ?? '');
    await bad(alice.notifications.unsubscribePush(subs.alice?.endpoint ?? ''), 'NOT_FOUND');
  });
});
