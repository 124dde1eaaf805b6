import type { Browser } from 'playwright-core';
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
  type ChatUser,
} from '../support/browser.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';

describeBrowser(`chat in Chromium: typing, editing, phone layout, reconnecting (${dialect})`, () => {
  let t: TestServer;
  let browser: Browser;
  let origin: string;
  let alice: ChatUser;
  let bob: ChatUser;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
    origin = browserOrigin(t);
    [alice, bob] = await Promise.all([chatUser(browser, t, 'alice'), chatUser(browser, t, 'bob')]);
    await befriendInUi(alice, bob);
    await alice.page.getByRole('button', { name: 'Message bob' }).click();
    await openConversationInUi(bob.page, 'alice');
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows who is typing; Shift+Enter starts a new line; own messages can be edited and deleted', async () => {
    const composer = alice.page.getByRole('textbox', { name: 'Message bob' });
    await composer.pressSequentially('line one');
    await bob.page.getByRole('status').filter({ hasText: 'alice is typing…' }).waitFor();
    await composer.press('Shift+Enter');
    await composer.pressSequentially('line two');
    await composer.press('Enter');
    await expectMessages(bob.page, ['line one\nline two']);
    // The message ends the typing notice.
    await bob.page.locator('.typing-indicator:empty').waitFor({ state: 'attached' });
    expect(await composer.inputValue()).toBe('');

    const actions = alice.page.getByRole('button', { name: /^Actions for your message sent at/ });
    await actions.click();
    await alice.page.getByRole('button', { name: 'Edit', exact: true }).click();
    const editor = alice.page.getByRole('textbox', { name: 'Edit message' });
    await editor.fill('line one, edited');
    await editor.press('Enter');
    await expectMessages(bob.page, ['line one, edited']);
    await bob.page.locator('.message-edited').waitFor();
    await alice.page.waitForFunction(() => document.activeElement?.classList.contains('message-more'));

    await actions.click();
    await alice.page.getByRole('button', { name: 'Delete', exact: true }).click();
    await alice.page.getByRole('group', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete' }).click();
    for (const u of [alice, bob]) await expectMessages(u.page, ['Message deleted']);
    expect(await actions.count()).toBe(0);
  });

  it('on a phone width, the list and the chat are separate screens with a back button', async () => {
    const phone = await openPage(browser, { viewport: { width: 360, height: 740 } });
    await logInInUi(phone.page, origin, 'bob', chatPassword('bob'));
    const list = phone.page.getByRole('list', { name: 'Conversations' });
    await list.waitFor();
    expect(await phone.page.locator('.chat-main').isVisible()).toBe(false);

    await openConversationInUi(phone.page, 'alice');
    expect(await list.isVisible()).toBe(false);
    // The focus moves to the conversation's heading; nothing is wider than the screen.
    await phone.page.waitForFunction(() => document.activeElement?.id === 'chat-title');
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await sendInUi(phone.page, 'from my phone');
    await expectMessages(alice.page, ['Message deleted', 'from my phone']);

    await phone.page.getByRole('link', { name: 'Back to conversations' }).click();
    await list.waitFor();
    expect(new URL(phone.page.url()).pathname).toBe('/');
    await phone.page.waitForFunction(() => document.activeElement?.id === 'home-heading');
    await phone.context.close();
  });

  it('disables the composer while reconnecting (before the page says Offline), and catches up when the server is back', async () => {
    const composer = alice.page.getByRole('textbox', { name: /^Message bob/ });
    await t.stop();
    await alice.page.getByText('Reconnecting…').waitFor();
    await alice.page.waitForFunction(() => document.querySelector<HTMLTextAreaElement>('#composer-input')?.disabled === true);

    await t.restart();
    await alice.page.waitForFunction(() => document.querySelector<HTMLTextAreaElement>('#composer-input')?.disabled === false, undefined, {
      timeout: 10_000,
    });
    await bob.page.waitForFunction(() => document.querySelector<HTMLTextAreaElement>('#composer-input')?.disabled === false, undefined, {
      timeout: 10_000,
    });
    await composer.fill('back online');
    await composer.press('Enter');
    await expectMessages(bob.page, ['Message deleted', 'from my phone', 'back online']);
    for (const u of [alice, bob]) expect(u.problems.filter((p) => !/ERR_CONNECTION_REFUSED|WebSocket/.test(p))).toEqual([]);
    // A server stop and restart, then two reconnections with their backoff: more than the default 30 s on a busy machine.
  }, 90_000);
});
