import type { Browser, Page } from 'playwright-core';
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

const IMG = '<img src=x onerror="window.__xss=1">';
const SCRIPT = '<script>window.__xss=1</script>';
const MIXED = `${IMG} ${SCRIPT} <b>bold</b> &amp; done`;
/** Every character a user name may hold besides letters and digits. */
const ODD_NAME = 'mal.lory_-1';

/** Nothing ran, and nothing but our own elements was created from the payloads. */
async function expectInert(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
  expect(await page.locator('img').count()).toBe(0);
  expect(await page.locator('b').count()).toBe(0);
  expect(await page.evaluate(() => [...document.scripts].filter((s) => !s.src).length)).toBe(0);
}

describeBrowser(`chat in Chromium: user content is text, never HTML (${dialect})`, () => {
  let t: TestServer;
  let browser: Browser;
  let alice: ChatUser;
  let mallory: ChatUser;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
    [alice, mallory] = await Promise.all([chatUser(browser, t, 'alice'), chatUser(browser, t, ODD_NAME)]);
    await befriendInUi(alice, mallory);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('renders message texts, group names and user names as literal text, with no script run and no CSP report', async () => {
    // User names: shown exactly as typed in the contact list, the header and the conversation list.
    await alice.page.getByRole('button', { name: `Message ${ODD_NAME}`, exact: true }).click();
    expect(await alice.page.locator('#chat-title').textContent()).toBe(ODD_NAME);
    await openConversationInUi(mallory.page, 'alice');

    // Message texts, both ways.
    await sendInUi(mallory.page, IMG);
    await sendInUi(mallory.page, SCRIPT);
    await sendInUi(alice.page, MIXED);
    await Promise.all([alice, mallory].map((u) => expectMessages(u.page, [IMG, SCRIPT, MIXED])));
    await alice.page.locator('.conversation-preview', { hasText: `You: ${MIXED}` }).waitFor();

    // A group named with one payload, renamed to the other.
    await createGroupInUi(alice.page, IMG, [ODD_NAME]);
    await openConversationInUi(mallory.page, IMG);
    await sendInUi(mallory.page, SCRIPT);
    await expectMessages(alice.page, [SCRIPT]);
    expect(await alice.page.title()).toBe(`${IMG} · Parley`);
    await alice.page.getByRole('button', { name: 'Members' }).click();
    await alice.page.getByRole('textbox', { name: 'Group name' }).fill(SCRIPT);
    await alice.page.getByRole('button', { name: 'Rename' }).click();
    await mallory.page.getByRole('heading', { level: 2, name: SCRIPT, exact: true }).waitFor();
    await mallory.page.getByRole('list', { name: 'Conversations' }).getByText(SCRIPT, { exact: true }).waitFor();
    expect(await mallory.page.locator('#chat-title').textContent()).toBe(SCRIPT);

    for (const u of [alice, mallory]) {
      await expectInert(u.page);
      expect(u.problems).toEqual([]);
    }
  });
});
