import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { befriendInUi, browserOrigin, chatPassword, chatUser, describeBrowser, expectHeading, launchChromium, logInInUi, showTab, type ChatUser } from '../support/browser.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';

// The first save asks for the current version, which answers NOT_FOUND before there is a profile.
const realProblems = (u: ChatUser) => u.problems.filter((p) => !/status of 404/.test(p));

describeBrowser(`web UI in Chromium: profiles only contacts can read (${dialect})`, () => {
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('alice sets her display name in Settings; bob, her contact, sees it beside "alice" live and after a reload; after bob signs out, carol in his tab finds none of it', async () => {
    const [alice, bob] = await Promise.all([chatUser(browser, t, 'alice'), chatUser(browser, t, 'bob')]);
    await befriendInUi(alice, bob);
    // Bob has the conversation with alice open, and his contact list beside it.
    await bob.page.getByRole('button', { name: 'Message alice', exact: true }).click();
    const header = bob.page.locator('#chat-title');
    await bob.page.getByRole('heading', { level: 2, name: 'alice', exact: true }).waitFor();

    await alice.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await expectHeading(alice.page, 'Settings');
    await alice.page.getByLabel('Display name').fill('Alice Liddell <b>Wonder</b>');
    await alice.page.getByRole('button', { name: 'Save profile' }).click();
    await alice.page.getByRole('status').filter({ hasText: 'Profile saved.' }).waitFor();

    // Live, as text (the markup is shown, not made).
    await header.locator('.profile-name', { hasText: 'Alice Liddell <b>Wonder</b>' }).waitFor();
    expect(await header.locator('b').count()).toBe(0);
    await showTab(bob.page, 'Contacts');
    await bob.page.locator('#panel-contacts .contact-item', { hasText: 'alice' }).locator('.profile-name', { hasText: 'Alice Liddell' }).waitFor();

    // Bob's view, for looking at (desktop and phone, light and dark).
    for (const [label, size] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]] as const) {
      await bob.page.setViewportSize(size);
      for (const colorScheme of ['light', 'dark'] as const) {
        await bob.page.emulateMedia({ colorScheme });
        await bob.page.screenshot({ path: `test-results/profile-bob-${label}-${colorScheme}.png` });
      }
    }
    await bob.page.setViewportSize({ width: 1280, height: 800 });
    await bob.page.emulateMedia({ colorScheme: 'light' });

    // After a reload, both read it again: bob with the key he kept, alice in Settings with her own.
    await bob.page.reload();
    await bob.page.locator('#chat-title .profile-name', { hasText: 'Alice Liddell' }).waitFor();
    await alice.page.reload();
    await expect.poll(() => alice.page.getByLabel('Display name').inputValue(), { timeout: 30_000 }).toBe('Alice Liddell <b>Wonder</b>');

    // A later rename reaches bob live.
    await alice.page.getByLabel('Display name').fill('Alice L.');
    await alice.page.getByRole('button', { name: 'Save profile' }).click();
    await bob.page.locator('#chat-title .profile-name', { hasText: /^\s*Alice L\.$/ }).waitFor();

    // bob signs out and carol signs in in the same tab: nothing of alice's profile stays in the page's memory or storage.
    const heldProfiles = () => bob.page.evaluate(() => (globalThis as { __parleyProfiles?: () => string[] }).__parleyProfiles?.() ?? ['(no hook)']);
    expect(await heldProfiles()).toContain('alice');
    await bob.page.getByRole('button', { name: 'Log out' }).click();
    await t.client().signup('carol', chatPassword('carol'));
    await logInInUi(bob.page, browserOrigin(t), 'carol', chatPassword('carol'));
    expect(await heldProfiles()).toEqual([]);
    const stored = await bob.page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }]));
    expect(stored).not.toContain('Alice L.');
    expect(await bob.page.locator('body').innerText()).not.toContain('Alice L.');

    expect(realProblems(alice)).toEqual([]);
    expect(realProblems(bob)).toEqual([]);
    await Promise.all([alice.context.close(), bob.context.close()]);
  }, 150_000);
});
