import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { befriendInUi, chatUser, describeBrowser, launchChromium, openConversationInUi, sendInUi, showTab, type ChatUser } from '../support/browser.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';

describeBrowser(`the unread count in the tab: title and favicon (${dialect})`, () => {
  let t: TestServer;
  let browser: Browser;
  let alice: ChatUser;
  let bob: ChatUser;
  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
    [alice, bob] = await Promise.all([chatUser(browser, t, 'alice'), chatUser(browser, t, 'bob')]);
    await befriendInUi(alice, bob);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const badgeIcon = (user: ChatUser) => user.page.evaluate(() => document.getElementById('parley-badge-icon')?.getAttribute('href') ?? null);

  it('rises with each message from another and clears when the conversation is read', async () => {
    await bob.page.getByRole('button', { name: 'Message alice', exact: true }).click();
    await bob.page.getByRole('heading', { level: 2, name: 'alice', exact: true }).waitFor();
    // Alice is on the Chats tab with no conversation open.
    await showTab(alice.page, 'Chats');
    expect(await alice.page.title()).not.toMatch(/^\(/);

    await sendInUi(bob.page, 'first');
    await alice.page.waitForFunction(() => document.title.startsWith('(1) '));
    await sendInUi(bob.page, 'second');
    await alice.page.waitForFunction(() => document.title.startsWith('(2) '));
    expect(await alice.page.title()).toMatch(/^\(2\) .*Parley$/);
    expect(await badgeIcon(alice)).toMatch(/^data:image\/png;base64,/);
    // Bob's own messages do not count for him.
    expect(await bob.page.title()).not.toMatch(/^\(/);

    await openConversationInUi(alice.page, 'bob');
    await alice.page.waitForFunction(() => !/^\(\d+\) /.test(document.title));
    expect(await alice.page.title()).toBe('bob · Parley');
    expect(await badgeIcon(alice)).toBeNull();
    expect(alice.problems).toEqual([]);
    expect(bob.problems).toEqual([]);
  });
});
