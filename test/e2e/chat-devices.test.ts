/**
 * Every browser a device, in Chromium: bob logs in on a second browser and reads the history sent before it existed
 * (from his vault), an edit and a delete applied and no decryption error, then chats; alice sees bob's new device, and both see the same safety number.
 */
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
  watchProblems,
  type ChatUser,
} from '../support/browser.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';

describeBrowser(`devices, history on a new browser and safety numbers in Chromium (${dialect})`, () => {
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

  it('bob\'s second browser shows the whole history and chats; alice sees his new device and the same safety number', async () => {
    await alice.page.getByRole('button', { name: 'Message bob', exact: true }).click();
    await alice.page.getByRole('log', { name: 'Messages with bob' }).waitFor();
    await sendInUi(alice.page, 'written before the second browser');
    await openConversationInUi(bob.page, 'alice');
    await sendInUi(bob.page, 'me too, from the first browser');
    await expectMessages(alice.page, ['written before the second browser', 'me too, from the first browser']);
    // Alice edits one of her messages and deletes another (the history bob's second browser must read whole).
    await sendInUi(alice.page, 'to be edited');
    await sendInUi(alice.page, 'to be deleted');
    const actionsOn = (text: string) =>
      alice.page.locator('.message', { hasText: text }).getByRole('button', { name: /^Actions for your message sent at/ });
    await actionsOn('to be edited').click();
    await alice.page.getByRole('button', { name: 'Edit', exact: true }).click();
    const editor = alice.page.getByRole('textbox', { name: 'Edit message' });
    await editor.fill('edited before the second browser');
    await editor.press('Enter');
    await actionsOn('to be deleted').click();
    await alice.page.getByRole('button', { name: 'Delete', exact: true }).click();
    await alice.page.getByRole('group', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete' }).click();
    const history = ['written before the second browser', 'me too, from the first browser', 'edited before the second browser', 'Message deleted'];
    await expectMessages(bob.page, history);

    // A second browser (an empty profile): bob logs in and reads the history it was never sent, edit and delete
    // applied, and not one "Could not be decrypted" (in the chat or in the chat list's preview).
    const second = await openPage(browser);
    const problems = await watchProblems(second.context);
    await logInInUi(second.page, browserOrigin(t), 'bob', chatPassword('bob'));
    await openConversationInUi(second.page, 'alice');
    await expectMessages(second.page, history, 10_000);
    expect(await second.page.getByTestId('undecryptable').count()).toBe(0);
    expect(await second.page.getByText('Could not be decrypted').count()).toBe(0);
    await sendInUi(second.page, 'hello from my second browser');
    await expectMessages(alice.page, [...history, 'hello from my second browser']);
    await expectMessages(bob.page, [...history, 'hello from my second browser']);
    expect(await second.page.getByText('Could not be decrypted').count()).toBe(0);

    // Alice's security panel lists both of bob's devices and shows the safety number bob's browser shows too.
    await alice.page.getByRole('button', { name: 'Security' }).click();
    const devices = alice.page.getByRole('list', { name: 'bob\'s devices' }).getByRole('listitem');
    await expect.poll(() => devices.count(), { timeout: 5_000 }).toBe(2);
    const aliceNumber = await alice.page.getByTestId('safety-number').textContent();
    await second.page.getByRole('button', { name: 'Security' }).click();
    expect(await second.page.getByTestId('safety-number').textContent()).toBe(aliceNumber);
    expect(aliceNumber).toMatch(/^\d{60}$/);
    await alice.page.getByRole('button', { name: 'Mark as verified' }).click();
    await alice.page.getByTestId('verification-state').filter({ hasText: 'You verified bob' }).waitFor();
    await alice.page.getByRole('button', { name: '✓ Verified' }).waitFor();
    expect(await alice.page.getByRole('img', { name: 'QR code of the safety number with bob' }).count()).toBe(1);

    // Bob's own devices, on his sessions page: two, this browser marked; the other one can be removed.
    await second.page.getByRole('link', { name: 'Sessions' }).click();
    const mine = second.page.getByRole('list', { name: 'Your encryption devices' }).getByRole('listitem');
    await expect.poll(() => mine.count(), { timeout: 5_000 }).toBe(2);
    expect(await mine.filter({ hasText: 'This browser' }).count()).toBe(1);
    expect(await second.page.getByRole('button', { name: /^Remove device / }).count()).toBe(1);

    expect(alice.problems).toEqual([]);
    expect(bob.problems).toEqual([]);
    expect(problems).toEqual([]);
  });
});
