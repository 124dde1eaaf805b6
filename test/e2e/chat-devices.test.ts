/**
 * Every browser a device, in Chromium: bob logs in on a second browser and reads the history sent before it existed
 * (from his vault), then chats; alice sees bob's new device, and both see the same safety number.
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

    // A second browser (an empty profile): bob logs in and reads the history it was never sent.
    const second = await openPage(browser);
    const problems = await watchProblems(second.context);
    await logInInUi(second.page, browserOrigin(t), 'bob', chatPassword('bob'));
    await openConversationInUi(second.page, 'alice');
    await expectMessages(second.page, ['written before the second browser', 'me too, from the first browser'], 10_000);
    await sendInUi(second.page, 'hello from my second browser');
    await expectMessages(alice.page, ['written before the second browser', 'me too, from the first browser', 'hello from my second browser']);
    await expectMessages(bob.page, ['written before the second browser', 'me too, from the first browser', 'hello from my second browser']);

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
