/**
 * Disappearing messages and the privacy switches in Chromium. The server runs in this process on a ManualClock: the
 * test moves it past a message's expiry and runs the sweep, so nothing waits for time to pass.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/clock.js';
import { sweepExpiredMessages } from '../../src/server/commands/messages/expire-messages.js';
import type { ParleyClient } from '../../src/sdk/index.js';
import {
  befriendInUi,
  browserOrigin,
  chatPassword,
  chatUser,
  createGroupInUi,
  describeBrowser,
  expectMessages,
  expectHeading,
  launchChromium,
  openConversationInUi,
  sendInUi,
  type ChatUser,
} from '../support/browser.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { eventually } from '../support/users.js';

/** Screenshots for looking at the UI (test-results/ is not committed), light and dark. */
async function shoot(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: `test-results/${name}-${colorScheme}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

describeBrowser(`disappearing messages and privacy in Chromium (${dialect})`, () => {
  let t: TestServer;
  let browser: Browser;
  const clock = new ManualClock();
  let alice: ChatUser;
  let bob: ChatUser;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer({ clock }), launchChromium()]);
    // One after the other: two log-ins at once (each an Argon2id in its page) outrun the pages' timeouts on a busy machine.
    alice = await chatUser(browser, t, 'alice');
    bob = await chatUser(browser, t, 'bob', { viewport: { width: 390, height: 844 } });
    await befriendInUi(alice, bob);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('sets a 5-minute timer from the header; the notice shows on both sides; a message vanishes at expiry, and after reload', async () => {
    await alice.page.getByRole('button', { name: 'Message bob', exact: true }).click();
    await alice.page.getByRole('heading', { level: 2, name: 'bob', exact: true }).waitFor();
    await openConversationInUi(bob.page, 'alice');

    await alice.page.getByLabel('Disappearing messages').selectOption({ label: '5 minutes' });
    await alice.page.getByTestId('timer-notice').filter({ hasText: 'You set disappearing messages to 5 minutes.' }).waitFor();
    await bob.page.getByTestId('timer-notice').filter({ hasText: 'alice set disappearing messages to 5 minutes.' }).waitFor();
    expect(await bob.page.getByLabel('Disappearing messages').inputValue()).toBe('300');

    await sendInUi(bob.page, 'this walrus will vanish');
    await expectMessages(alice.page, ['this walrus will vanish'], 10_000);

    clock.advance(5 * 60_000 + 1_000);
    expect(await sweepExpiredMessages(t.server.deps)).toBe(1);
    await expectMessages(alice.page, [], 10_000);
    await expectMessages(bob.page, [], 10_000);
    expect(await alice.page.getByText('this walrus will vanish').count()).toBe(0);

    await alice.page.reload();
    await alice.page.getByTestId('timer-notice').first().waitFor();
    expect(await alice.page.getByText('this walrus will vanish').count()).toBe(0);
    await shoot(alice.page, 'disappearing-desktop');
    await shoot(bob.page, 'disappearing-phone');
    expect(alice.problems).toEqual([]);
  }, 120_000);

  it('bob turns read receipts and typing off: alice never sees "Seen by bob" nor bob typing, while carol’s she does', async () => {
    const carol: ParleyClient = t.client();
    await carol.signup('carol', chatPassword('carol'));
    await carol.connect();
    await carol.contacts.request('alice');
    await alice.page.getByRole('tab', { name: /^Contacts/ }).click();
    await alice.page.getByRole('button', { name: 'Accept carol', exact: true }).click();
    await alice.page.getByRole('button', { name: 'Message carol', exact: true }).waitFor();

    // bob's switches, in Settings → Privacy.
    await bob.page.goto(`${browserOrigin(t)}/settings`);
    await expectHeading(bob.page, 'Settings', { focused: false });
    const readReceipts = bob.page.getByRole('switch', { name: 'Read receipts' });
    await readReceipts.uncheck();
    await bob.page.waitForFunction(() => !document.querySelector<HTMLInputElement>('#privacy-read-receipts')?.disabled);
    const typing = bob.page.getByRole('switch', { name: 'Typing indicators' });
    await typing.uncheck();
    await bob.page.waitForFunction(() => !document.querySelector<HTMLInputElement>('#privacy-typing-indicators')?.disabled);
    await shoot(bob.page, 'privacy-phone');
    expect(await readReceipts.isChecked()).toBe(false);
    expect(await typing.isChecked()).toBe(false);
    // Back to the chats by a fresh load: the server, not this page's memory, withholds bob's typing from now on.
    await bob.page.goto(`${browserOrigin(t)}/`);
    await expectHeading(bob.page, 'Conversations', { focused: false });

    await createGroupInUi(alice.page, 'Quiet', ['bob', 'carol']);
    await sendInUi(alice.page, 'who has read this?');
    const group = (await carol.conversations.list()).find((c) => c.name === 'Quiet');
    if (!group) throw new Error('carol has no group');

    // bob reads it (his page opens the group) and types; the server has his read position.
    await openConversationInUi(bob.page, 'Quiet');
    await expectMessages(bob.page, ['who has read this?'], 10_000);
    const db = t.server.deps.db;
    const bobRow = await db.selectFrom('users').select('id').where('username', '=', 'bob').executeTakeFirstOrThrow();
    const bobRead = async () =>
      (await db.selectFrom('conversation_members').select('read_seq').where('conversation_id', '=', group.id).where('user_id', '=', bobRow.id).executeTakeFirstOrThrow()).read_seq;
    let seq = 0;
    await eventually(() => {
      void bobRead().then((s) => (seq = s));
      return seq >= group.lastSeq;
    }, 10_000, 'bob read the message');
    await bob.page.locator('#composer-input').fill('typing something');

    // carol's receipt and typing are the markers: alice sees them, and still nothing of bob's.
    await carol.messages.markRead(group.id, group.lastSeq);
    await alice.page.locator('.seen-by', { hasText: 'Seen by carol' }).waitFor();
    await carol.conversations.typing(group.id);
    await alice.page.getByRole('status').filter({ hasText: 'carol is typing…' }).waitFor();
    expect(await alice.page.locator('.seen-by').textContent()).toBe('Seen by carol');
    expect(await alice.page.getByText(/bob is typing|bob and carol are typing/).count()).toBe(0);
    await shoot(alice.page, 'privacy-desktop');
    carol.close();
  }, 180_000);
});
