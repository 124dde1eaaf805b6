import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../support/env.js';
import { ask, openSocket, rawAccount, type Answer, type RawAccount } from '../support/raw-socket.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * No user-name oracle: a stranger gets the same answers, step by step, for a name that has an account and for one
 * that does not, on every contact and conversation event that takes a user name.
 */
describe(`no user-name oracle in contact and conversation events (${dialect})`, () => {
  let t: TestServer;
  let mallory: Socket;
  let group: string;
  let bobAccount: RawAccount;

  beforeAll(async () => {
    t = await startTestServer();
    bobAccount = await rawAccount(t, 'bob');
    mallory = await openSocket(t, (await rawAccount(t, 'mallory')).token);
    const created = (await ask(mallory, 'conversations:createGroup', { name: 'lair', usernames: [] })) as {
      data: { conversation: { id: string } };
    };
    group = created.data.conversation.id;
  });
  afterAll(async () => {
    mallory.close();
    await t.close();
  });

  /** Every event that names a user, in an order that also tries request → cancel and block → unblock. */
  const steps = (name: string): [string, unknown][] => [
    ['contacts:accept', { username: name }],
    ['contacts:decline', { username: name }],
    ['contacts:cancel', { username: name }],
    ['contacts:remove', { username: name }],
    ['contacts:unblock', { username: name }],
    ['conversations:openDirect', { username: name }],
    ['conversations:createGroup', { name: 'with them', usernames: [name] }],
    ['conversations:addMember', { conversationId: group, username: name }],
    ['conversations:removeMember', { conversationId: group, username: name }],
    ['conversations:setRole', { conversationId: group, username: name, role: 'admin' }],
    ['contacts:request', { username: name }],
    ['contacts:request', { username: name }],
    ['conversations:openDirect', { username: name }],
    ['contacts:accept', { username: name }],
    ['contacts:remove', { username: name }],
    ['contacts:cancel', { username: name }],
    ['contacts:cancel', { username: name }],
    ['contacts:decline', { username: name }],
    ['contacts:block', { username: name }],
    ['contacts:block', { username: name }],
    ['contacts:unblock', { username: name }],
    ['contacts:request', { username: name }],
    ['contacts:cancel', { username: name }],
  ];

  /** The answers with the typed name and the timestamps taken out. */
  async function run(name: string): Promise<string[]> {
    const answers: string[] = [];
    for (const [event, payload] of steps(name)) {
      const answer: Answer = await ask(mallory, event, payload);
      answers.push(
        `${event} ${JSON.stringify(answer)}`
          .replaceAll(name, '<name>')
          .replace(/"since":"[^"]+"/g, '"since":"<t>"'),
      );
    }
    return answers;
  }

  it('answers an existing stranger and a missing name alike (same code, same message, the name as typed)', async () => {
    // Letter case differs from the account's: the answer must not give the stored spelling away either.
    const existing = await run('BoB');
    const missing = await run('NoSuchUser');
    expect(existing).toEqual(missing);
    // And the answers are the expected ones, not two identical failures of something else.
    expect(existing[0]).toContain('"code":"NOT_FOUND"');
    expect(existing[5]).toContain('"code":"NOT_A_CONTACT"');
    expect(existing[10]).toContain('"state":"outgoing"');
    expect(existing[18]).toContain('"state":"blocked"');
    expect(existing.join('\n')).not.toContain('"code":"VALIDATION_FAILED"');
    expect(existing.join('\n')).not.toContain('"code":"INTERNAL"');
  });

  it('a request to the existing account is really stored, while both answers look the same', async () => {
    const [toBob, toNobody] = [
      await ask(mallory, 'contacts:request', { username: 'bob' }),
      await ask(mallory, 'contacts:request', { username: 'nobody' }),
    ];
    expect(JSON.stringify(toBob).replace('bob', 'N').replace(/"since":"[^"]+"/, '')).toBe(
      JSON.stringify(toNobody).replace('nobody', 'N').replace(/"since":"[^"]+"/, ''),
    );
    const bob = await openSocket(t, await bobAccount.login());
    const list = (await ask(bob, 'contacts:list', {})) as { data: { contacts: { username: string; state: string }[] } };
    expect(list.data.contacts).toEqual([expect.objectContaining({ username: 'mallory', state: 'incoming' })]);
    bob.close();
  });
});
