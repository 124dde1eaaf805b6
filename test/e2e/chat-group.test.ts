import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  befriendInUi,
  chatUser,
  createGroupInUi,
  describeBrowser,
  expectMessages,
  launchChromium,
  openConversationInUi,
  sendInUi,
  type ChatUser,
} from '../support/browser.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';

describeBrowser(`chat in Chromium: a group of three (${dialect})`, () => {
  let t: TestServer;
  let browser: Browser;
  let alice: ChatUser;
  let bob: ChatUser;
  let carol: ChatUser;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
    [alice, bob, carol] = await Promise.all([chatUser(browser, t, 'alice'), chatUser(browser, t, 'bob'), chatUser(browser, t, 'carol')]);
    await befriendInUi(alice, bob, carol);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('alice creates a group with bob and carol; a message from each member appears for all three', async () => {
    await createGroupInUi(alice.page, 'Trip planning', ['bob', 'carol']);
    await alice.page.getByText('3 members: you, bob, carol').waitFor();
    // The group appears live in the others' lists; they open it.
    await Promise.all([openConversationInUi(bob.page, 'Trip planning'), openConversationInUi(carol.page, 'Trip planning')]);

    await sendInUi(alice.page, 'Hello both, where shall we go?');
    await sendInUi(bob.page, 'The mountains!');
    await sendInUi(carol.page, 'Mountains it is.');
    const all = ['Hello both, where shall we go?', 'The mountains!', 'Mountains it is.'];
    await Promise.all([alice, bob, carol].map((u) => expectMessages(u.page, all)));

    // Each sees the others' names on their bubbles, and their own on the right.
    for (const u of [alice, bob, carol]) {
      const senders = await u.page.locator('[role="log"] .message-sender').allTextContents();
      expect(senders).toEqual(['alice', 'bob', 'carol'].filter((n) => n !== u.name));
      expect(await u.page.locator('.message-group.is-own').count()).toBe(1);
    }
    await alice.page.locator('.seen-by', { hasText: 'Seen by bob and carol' }).waitFor();
  });

  it('shows members with roles; the owner makes bob an admin, carol leaves, then the owner removes bob', async () => {
    await alice.page.getByRole('button', { name: 'Members' }).click();
    const panel = alice.page.getByRole('complementary', { name: /^Members/ });
    await panel.getByRole('heading', { name: 'Members (3)' }).waitFor();
    expect(await panel.locator('.member-item', { hasText: 'alice' }).locator('.role-badge').textContent()).toBe('Owner');
    await panel.getByRole('button', { name: 'Make admin bob' }).click();
    await panel.locator('.member-item', { hasText: 'bob' }).locator('.role-badge', { hasText: 'Admin' }).waitFor();

    // Bob's own view follows live: as an admin he may now rename the group.
    await bob.page.getByRole('button', { name: 'Members' }).click();
    await bob.page.getByLabel('Group name').fill('Mountain trip');
    await bob.page.getByRole('button', { name: 'Rename' }).click();
    await alice.page.getByRole('heading', { level: 2, name: 'Mountain trip', exact: true }).waitFor();

    await carol.page.getByRole('button', { name: 'Members' }).click();
    await carol.page.getByRole('button', { name: 'Leave group' }).click();
    await carol.page.getByRole('button', { name: 'Yes, leave' }).click();
    await carol.page.getByText('Pick a conversation').waitFor();
    expect(await carol.page.getByRole('list', { name: 'Conversations' }).count()).toBe(0);
    await panel.getByRole('heading', { name: 'Members (2)' }).waitFor();

    // Removed by the owner: bob's view of the group closes at once, with a notice.
    await panel.getByRole('button', { name: 'Remove bob from the group' }).click();
    await bob.page.getByRole('status').filter({ hasText: 'You are no longer a member of Mountain trip.' }).waitFor();
    await bob.page.getByText('Pick a conversation').waitFor();
    expect(new URL(bob.page.url()).pathname).toBe('/');
    await panel.getByRole('heading', { name: 'Members (1)' }).waitFor();

    for (const u of [alice, bob, carol]) expect(u.problems).toEqual([]);
  });
});
