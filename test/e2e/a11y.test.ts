/**
 * Accessibility in Chromium: axe-core finds no violation on any page, in the light and the dark colour scheme. The
 * signed-out pages (landing, log-in, sign-up, recovery, 404) and the signed-in ones: a direct conversation holding
 * both sides' bubbles, a reaction, a reply and a file; a group with its members panel open; the contacts tab; search
 * open with results; settings (every section, one page); sessions; 404.
 * The offline states are checked in offline-live.test.ts. axe: test/support/axe.ts.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { injectAxe, violations } from '../support/axe.js';
import {
  befriendInUi,
  browserOrigin,
  chatUser,
  createGroupInUi,
  describeBrowser,
  expectHeading,
  expectMessages,
  launchChromium,
  openConversationInUi,
  openPage,
  sendInUi,
  showTab,
  type ChatUser,
} from '../support/browser.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';

describeBrowser(`accessibility in Chromium: axe on every page, light and dark (${dialect})`, () => {
  let t: TestServer;
  let browser: Browser;
  let alice!: ChatUser;
  let bob!: ChatUser;
  let carol!: ChatUser;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
    // One after the other: three log-ins at once can outlast the default timeouts on a loaded machine.
    alice = await chatUser(browser, t, 'alice');
    bob = await chatUser(browser, t, 'bob');
    carol = await chatUser(browser, t, 'carol');
    await injectAxe(alice.context);
    await befriendInUi(alice, bob, carol);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the signed-out pages: landing, log-in, sign-up, recovery, 404', async () => {
    const { context, page } = await openPage(browser);
    await injectAxe(context);
    const origin = browserOrigin(t);
    const found: string[] = [];
    const pages: [string, string][] = [
      ['/', 'Private conversations, end to end'],
      ['/login', 'Log in'],
      ['/signup', 'Create your account'],
      ['/recover', 'Recover your account'],
      ['/no-such-page', 'Page not found'],
    ];
    for (const [path, heading] of pages) {
      await page.goto(`${origin}${path}`);
      await expectHeading(page, heading, { focused: false });
      found.push(...(await violations(page, path)));
    }
    // The sign-up form with a typed password shows its strength meter and mismatch hint.
    await page.goto(`${origin}/signup`);
    await page.getByLabel('User name').fill('dave');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Confirm password', { exact: true }).fill('other');
    await page.locator('#signup-strength').waitFor();
    found.push(...(await violations(page, '/signup (typed)')));
    await context.close();
    expect(found).toEqual([]);
  }, 120_000);

  it('a direct conversation with both sides, a file, a reply and a reaction', async () => {
    await alice.page.getByRole('button', { name: 'Message bob', exact: true }).click();
    await openConversationInUi(alice.page, 'bob');
    await sendInUi(alice.page, 'Hello bob, the notes are attached below.');
    await alice.page.locator('.composer input[type=file]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('the notes\n') });
    await alice.page.locator('.composer-file', { hasText: 'notes.txt' }).waitFor();
    await alice.page.locator('#composer-input').fill('Here they are @bob');
    await alice.page.locator('#composer-input').press('Enter');
    await alice.page.locator('.is-pending').waitFor({ state: 'detached' });

    await openConversationInUi(bob.page, 'alice');
    const original = bob.page.locator('[role="log"] .message', { hasText: 'Hello bob' });
    await original.hover();
    await original.getByRole('button', { name: 'Reply to this message' }).click();
    await sendInUi(bob.page, 'Thanks, **got them**.');

    await expectMessages(alice.page, ['Hello bob, the notes are attached below.', 'Here they are @bob', 'Thanks, got them.']);
    const reply = alice.page.locator('[role="log"] .message', { hasText: 'Thanks' });
    await reply.hover();
    await reply.getByRole('button', { name: 'React to this message' }).click();
    await reply.getByRole('button', { name: '🎉' }).click();
    await reply.locator('.reaction.is-mine', { hasText: '🎉' }).waitFor();
    await alice.page.locator('[role="log"] .reply-quote').waitFor();
    await alice.page.locator('[role="log"] .attachment', { hasText: 'notes.txt' }).first().waitFor();
    await alice.page.mouse.move(0, 0);

    expect(await violations(alice.page, 'direct chat')).toEqual([]);
    // The security panel (safety numbers) of the conversation.
    const security = alice.page.getByRole('button', { name: /Security|Verify/ }).first();
    if (await security.isVisible()) {
      await security.click();
      expect(await violations(alice.page, 'direct chat, security panel')).toEqual([]);
      await alice.page.keyboard.press('Escape');
    }
  }, 120_000);

  it('a group with its members panel open', async () => {
    await createGroupInUi(alice.page, 'Trip', ['bob', 'carol']);
    await sendInUi(alice.page, 'Welcome to the trip group');
    await alice.page.getByRole('button', { name: 'Members', exact: true }).click();
    await alice.page.locator('#members-panel').waitFor();
    expect(await violations(alice.page, 'group with members')).toEqual([]);
    await alice.page.getByRole('button', { name: 'Members', exact: true }).click();
  }, 120_000);

  it('the contacts tab and the search panel with results', async () => {
    await showTab(alice.page, 'Contacts');
    await alice.page.getByRole('button', { name: 'Message carol', exact: true }).waitFor();
    // carol accepted: the form no longer says the request is on its way.
    await alice.page.getByRole('status').filter({ hasText: 'Request sent to carol' }).waitFor({ state: 'hidden' });
    expect(await violations(alice.page, 'contacts')).toEqual([]);
    await showTab(alice.page, 'Chats');

    const box = alice.page.getByRole('searchbox', { name: 'Search messages' });
    await box.fill('notes');
    await alice.page.locator('#search-results .search-hit').first().waitFor();
    expect(await violations(alice.page, 'search')).toEqual([]);
    await box.fill('');
  }, 120_000);

  it('settings (every section), sessions and the signed-in 404', async () => {
    const origin = browserOrigin(t);
    await alice.page.goto(`${origin}/settings`);
    await expectHeading(alice.page, 'Settings', { focused: false });
    await alice.page.locator('#settings-account').waitFor();
    expect(await violations(alice.page, 'settings')).toEqual([]);

    await alice.page.goto(`${origin}/sessions`);
    await expectHeading(alice.page, 'Sessions and security', { focused: false });
    expect(await violations(alice.page, 'sessions')).toEqual([]);

    await alice.page.goto(`${origin}/no-such-page`);
    await expectHeading(alice.page, 'Page not found', { focused: false });
    expect(await violations(alice.page, 'signed-in 404')).toEqual([]);
    expect(carol.problems).toEqual([]);
  }, 120_000);
});
