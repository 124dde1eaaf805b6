import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoBot } from '../../examples/echo-bot.js';
import { splitArgs, type Bot, type ParleyClient } from '../../src/sdk/index.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { befriend, eventually, inbox, signedIn } from '../support/users.js';

describe(`the example bot in a group, end to end (${dialect})`, () => {
  let t: TestServer;
  let alice: ParleyClient;
  let carol: ParleyClient;
  let botClient: ParleyClient;
  let bot: Bot;

  beforeAll(async () => {
    t = await startTestServer();
    [alice, carol, botClient] = await Promise.all([signedIn(t, 'alice'), signedIn(t, 'carol'), signedIn(t, 'echobot')]);
    bot = startEchoBot(botClient);
  });
  afterAll(async () => {
    bot?.stop();
    for (const c of [alice, carol, botClient]) c?.close();
    await t?.close();
  });

  it('accepts a contact request, then answers commands with arguments in a group', async () => {
    const accepted = new Promise<void>((resolve) => alice.on('contact', (c) => c.username === 'echobot' && c.state === 'accepted' && resolve()));
    await alice.contacts.request('echobot');
    await accepted;
    await befriend(alice, carol);
    const group = await alice.conversations.createGroup('tea room', ['carol', 'echobot']);
    const carolSees = inbox(carol);
    const fromBot = () => carolSees.filter((m) => m.conversationId === group.id && m.sender === 'echobot').map((m) => m.text);

    await alice.messages.send(group.id, '/echo "hello  there" world');
    await eventually(() => fromBot().length === 1, 20_000, 'the bot to echo');
    expect(fromBot()).toEqual(['"hello  there" world']);

    await alice.messages.send(group.id, '/remind 0 put the kettle on');
    await eventually(() => fromBot().length === 3, 20_000, 'the reminder');
    expect(fromBot().slice(1)).toEqual(['I will remind you in 0 s.', '⏰ alice: put the kettle on']);

    // Every reply was end-to-end encrypted, and an ordinary message gets no answer.
    await alice.messages.send(group.id, 'just chatting');
    await alice.messages.send(group.id, '/echo last');
    await eventually(() => fromBot().length === 4, 20_000, 'the last echo');
    expect(fromBot()[3]).toBe('last');
    expect(carolSees.filter((m) => m.sender === 'echobot').every((m) => m.encrypted)).toBe(true);
  });

  it('splits arguments with quotes', () => {
    expect(splitArgs(`remind 10 "tea time" 'now please'`)).toEqual(['remind', '10', 'tea time', 'now please']);
    expect(splitArgs('   ')).toEqual([]);
  });
});
