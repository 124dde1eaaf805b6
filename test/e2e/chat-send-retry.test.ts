import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  befriendInUi,
  browserOrigin,
  chatPassword,
  chatUser,
  describeBrowser,
  expectMessages,
  launchChromium,
  logInInUi,
  openConversationInUi,
  openPage,
  sendInUi,
  watchProblems,
  type ChatUser,
} from '../support/browser.js';
import { MLS_PRIVATE } from '../../src/protocol/e2e.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Sits between a page and the server on the page's WebSocket: records the idempotency key of every message the page
 * sends (MLS application messages; commits aside), and when asked, refuses the next one itself (it never reaches the
 * server) with RATE_LIMITED, as the server would.
 */
class SendGate {
  readonly keys: string[] = [];
  refuseNext = false;

  async install(page: Page): Promise<void> {
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer();
      let dropBinaryFrames = 0;
      ws.onMessage((frame) => {
        if (typeof frame !== 'string') {
          if (dropBinaryFrames > 0) dropBinaryFrames--;
          else server.send(frame);
          return;
        }
        // socket.io over engine.io: 4 = message, 5 = event with binary attachments: "45<count>-<ack id>[name, payload]".
        const send = /^45(\d+)-(\d+)\["messages:send",(.*)\]$/s.exec(frame);
        const payload = send ? (JSON.parse(send[3] ?? '{}') as { clientKey: string; contentType: string }) : undefined;
        if (send && payload?.contentType === MLS_PRIVATE) {
          this.keys.push(payload.clientKey);
          if (this.refuseNext) {
            this.refuseNext = false;
            dropBinaryFrames = Number(send[1]);
            ws.send(`43${send[2]}[${JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'Too many messages.' } })}]`);
            return;
          }
        }
        server.send(frame);
      });
      server.onMessage((frame) => ws.send(frame));
    });
  }
}

describeBrowser(`chat in Chromium: a failed send shows Retry and Discard (${dialect})`, () => {
  let t: TestServer;
  let browser: Browser;
  let alice: ChatUser;
  let bob: ChatUser;
  const gate = new SendGate();

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
    // Alice's socket goes through the gate from her first connection on.
    const [{ context, page }] = await Promise.all([openPage(browser), t.client().signup('alice', chatPassword('alice'))]);
    alice = { name: 'alice', context, page, problems: await watchProblems(context) };
    await gate.install(page);
    [, bob] = await Promise.all([logInInUi(page, browserOrigin(t), 'alice', chatPassword('alice')), chatUser(browser, t, 'bob')]);
    await befriendInUi(alice, bob);
    await alice.page.getByRole('button', { name: 'Message bob' }).click();
    await openConversationInUi(bob.page, 'alice');
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('Retry sends the refused message again with the same idempotency key: bob gets it exactly once', async () => {
    await sendInUi(alice.page, 'first');
    await expectMessages(bob.page, ['first']);
    expect(gate.keys).toHaveLength(1);

    gate.refuseNext = true;
    const composer = alice.page.getByRole('textbox', { name: 'Message bob' });
    await composer.fill('second');
    await composer.press('Enter');
    const failed = alice.page.locator('[role="log"] .message.is-failed', { hasText: 'second' });
    await failed.getByRole('alert').filter({ hasText: 'You are sending too fast' }).waitFor();
    expect(await failed.locator('.message-meta').textContent()).toBe('Not sent');
    // Not sent: no actions to edit or delete it, and no place (seq) in the log yet.
    expect(await failed.getAttribute('data-seq')).toBeNull();
    expect(await failed.getByRole('button', { name: /^Actions for your message/ }).count()).toBe(0);
    await alice.page.getByRole('link', { name: /^bob/ }).locator('.conversation-preview', { hasText: 'You: second (not sent)' }).waitFor();

    await failed.getByRole('button', { name: 'Retry' }).click();
    // The same message becomes sent in place (its failure and buttons go); the server stored it once.
    await alice.page.locator('[role="log"] .message[data-seq]', { hasText: 'second' }).waitFor();
    expect(await alice.page.locator('[role="log"] .message.is-failed').count()).toBe(0);
    expect(gate.keys).toHaveLength(3);
    expect(gate.keys[2]).toBe(gate.keys[1]);
    expect(gate.keys[1]).not.toBe(gate.keys[0]);
    // A later message as the marker: had a second copy been stored, bob would show it before "third".
    await sendInUi(alice.page, 'third');
    await expectMessages(bob.page, ['first', 'second', 'third']);
    await expectMessages(alice.page, ['first', 'second', 'third']);
    expect(alice.problems).toEqual([]);
  });

  it('Discard drops the refused message: it is never sent', async () => {
    gate.refuseNext = true;
    const composer = alice.page.getByRole('textbox', { name: 'Message bob' });
    await composer.fill('never mind');
    await composer.press('Enter');
    const failed = alice.page.locator('[role="log"] .message.is-failed', { hasText: 'never mind' });
    await failed.getByRole('button', { name: 'Discard' }).click();
    await failed.waitFor({ state: 'detached' });
    await sendInUi(alice.page, 'fourth');
    await expectMessages(bob.page, ['first', 'second', 'third', 'fourth']);
    await expectMessages(alice.page, ['first', 'second', 'third', 'fourth']);
    expect(new Set(gate.keys).size).toBe(gate.keys.length - 1);
  });
});
