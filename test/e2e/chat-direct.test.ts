import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  browserOrigin,
  describeBrowser,
  expectHeading,
  expectMessages,
  launchChromium,
  logInInUi,
  openConversationInUi,
  openPage,
  requestContactInUi,
  sendInUi,
  showTab,
  signUpInUi,
  watchProblems,
} from '../support/browser.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { PASSWORDS } from '../support/users.js';

describeBrowser(`chat in Chromium: contacts and direct conversations (${dialect})`, () => {
  let t: TestServer;
  let browser: Browser;
  let origin: string;
  let alice: { context: BrowserContext; page: Page; problems: string[] };
  let bob: { context: BrowserContext; page: Page; problems: string[] };

  const user = async () => {
    const { context, page } = await openPage(browser);
    return { context, page, problems: await watchProblems(context) };
  };

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
    origin = browserOrigin(t);
    [alice, bob] = await Promise.all([user(), user()]);
    await Promise.all([
      signUpInUi(alice.page, origin, 'alice', PASSWORDS.alice ?? ''),
      signUpInUi(bob.page, origin, 'bob', PASSWORDS.bob ?? ''),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('request and accept: the request badge and the new contact appear live on both sides', async () => {
    await requestContactInUi(alice.page, 'bob');
    const aliceContacts = alice.page.locator('#panel-contacts');
    await aliceContacts.getByRole('heading', { name: 'Sent requests' }).waitFor();
    await aliceContacts.getByRole('button', { name: 'Cancel request to bob' }).waitFor();

    // Bob, on the Chats tab, sees the badge on the Contacts tab without reloading.
    await bob.page.getByRole('tab', { name: 'Contacts 1 request' }).waitFor();
    await showTab(bob.page, 'Contacts');
    await bob.page.getByRole('button', { name: 'Accept alice' }).click();
    await bob.page.getByRole('button', { name: 'Message alice' }).waitFor();
    expect(await bob.page.getByRole('tab', { name: /^Contacts/ }).textContent()).toBe('Contacts');

    // Alice sees bob as a contact, online, without reloading.
    await aliceContacts.getByRole('button', { name: 'Message bob' }).waitFor();
    expect(await aliceContacts.getByRole('heading', { name: 'Sent requests' }).count()).toBe(0);
    await aliceContacts.locator('.contact-item', { hasText: 'bob' }).getByText('(online)').waitFor({ state: 'attached' });
  });

  it('chat both ways: each message appears live on the other side, once and in order', async () => {
    await alice.page.getByRole('button', { name: 'Message bob' }).click();
    await alice.page.getByRole('heading', { level: 2, name: 'bob', exact: true }).waitFor();
    expect(alice.page.url()).toMatch(/\/c\/[0-9a-f-]{36}$/);

    // The conversation appears in bob's list live; he opens it before anything is said.
    await openConversationInUi(bob.page, 'alice');
    await sendInUi(alice.page, 'Hello bob!');
    await expectMessages(bob.page, ['Hello bob!']);
    await sendInUi(bob.page, 'Hi alice, how are you?');
    await expectMessages(alice.page, ['Hello bob!', 'Hi alice, how are you?']);
    await sendInUi(alice.page, 'Fine, thanks.\nAnd you?');
    await expectMessages(bob.page, ['Hello bob!', 'Hi alice, how are you?', 'Fine, thanks.\nAnd you?']);
    await expectMessages(alice.page, ['Hello bob!', 'Hi alice, how are you?', 'Fine, thanks.\nAnd you?']);

    // Own messages sit on the right, the other's on the left; bob read alice's last message.
    expect(await alice.page.locator('.message-group.is-own .message-text').allTextContents()).toEqual([
      'Hello bob!',
      'Fine, thanks.\nAnd you?',
    ]);
    await alice.page.locator('.seen-by', { hasText: 'Seen by bob' }).waitFor();
    await alice.page.getByRole('log').getByRole('heading', { name: 'Today' }).waitFor();
  });

  it('offline delivery: bob logs out, alice writes, bob logs in to every message in order with an unread badge', async () => {
    await bob.page.getByRole('button', { name: 'Log out' }).click();
    await expectHeading(bob.page, 'Private conversations, end to end');

    const offline = ['one', 'two', 'three', 'four', 'five'];
    for (const text of offline) await sendInUi(alice.page, text);

    await logInInUi(bob.page, origin, 'bob', PASSWORDS.bob ?? '');
    const item = bob.page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /^alice/ });
    await item.locator('.count-badge', { hasText: '5 unread' }).waitFor();
    await item
      .locator('.conversation-preview', { hasText: /^five$/ })
      .waitFor()
      .catch(async (err: unknown) => {
        throw new Error(`the preview line shows ${JSON.stringify(await item.textContent())}`, { cause: err });
      });
    await bob.page.getByRole('tab', { name: 'Chats 5 unread' }).waitFor();

    await openConversationInUi(bob.page, 'alice');
    await expectMessages(bob.page, ['Hello bob!', 'Hi alice, how are you?', 'Fine, thanks.\nAnd you?', ...offline]);
    // Opening the conversation reads it: the badge goes, and alice gets the receipt.
    await item.locator('.count-badge').waitFor({ state: 'detached' });
    await alice.page.locator('.message-group.is-own', { hasText: 'five' }).locator('.seen-by', { hasText: 'Seen by bob' }).waitFor();
    await expectMessages(alice.page, ['Hello bob!', 'Hi alice, how are you?', 'Fine, thanks.\nAnd you?', ...offline]);

    expect(alice.problems).toEqual([]);
    expect(bob.problems).toEqual([]);
  });
});
