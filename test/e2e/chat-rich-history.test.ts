/**
 * Rich conversations last, in Chromium: a formatted message with a link, a reply to it from older history (more than
 * a page back), a mention, a reaction made in bob's browser and a reply with a mention made in it show on both sides
 * live, again after both pages reload, and on a new browser bob logs into (reading through his vault). Clicking a
 * quote jumps to the original, loading the older history it is in.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ParleyClient } from '../../src/sdk/index.js';
import {
  browserOrigin,
  chatPassword,
  describeBrowser,
  launchChromium,
  logInInUi,
  openConversationInUi,
  openPage,
  watchProblems,
} from '../support/browser.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { befriend } from '../support/users.js';

const ORIGINAL = 'The plan: **meet** at _noon_, ~~not~~ at `gate 4`, map https://example.com/map\n\n> bring water';
const ANSWER = 'Answering my own plan, @bob have a look';
/** More than the first page of history (50) comes between the original and the answer. */
const FILLERS = 55;
const BOB_REPLY = '**On my way** with the tickets https://example.org/tickets @alice see you';

interface Browsing {
  page: Page;
  problems: string[];
  close(): Promise<void>;
}

describeBrowser(`rich conversations in Chromium: reload and a new browser (${dialect})`, () => {
  let t: TestServer;
  let browser: Browser;
  const sdk: ParleyClient[] = [];
  const opened: Browsing[] = [];

  async function logIn(name: string): Promise<Browsing> {
    const { context, page } = await openPage(browser);
    const problems = await watchProblems(context);
    await logInInUi(page, browserOrigin(t), name, chatPassword(name));
    await openConversationInUi(page, name === 'alice' ? 'bob' : 'alice');
    const b = { page, problems, close: () => context.close() };
    opened.push(b);
    return b;
  }

  /** Everything rich, as `me` sees it; then a click on the answer's quote jumps to the original (older history). */
  async function expectRich(page: Page, me: 'alice' | 'bob'): Promise<void> {
    const log = page.locator('[role="log"]');
    const mark = (name: string) => (me === name ? '.mention.is-me' : '.mention:not(.is-me)');

    // (bob's reply quotes the answer: it holds the answer's words too.)
    const answer = log.locator('.message', { hasText: 'Answering my own plan' }).filter({ hasNotText: 'On my way' });
    await answer.locator('.reply-quote').waitFor({ timeout: 15_000 });
    expect(await answer.locator('.reply-quote-sender').textContent()).toBe('alice');
    expect(await answer.locator('.reply-quote-text').textContent()).toContain('The plan: meet at noon');
    expect(await answer.locator(mark('bob')).textContent()).toBe('@bob');
    await answer.locator(`.reaction[title="🎉 1: ${me === 'bob' ? 'you' : 'bob'}"]`).waitFor();

    const reply = log.locator('.message', { hasText: 'On my way' });
    await reply.locator('.reply-quote').waitFor();
    expect(await reply.locator('.reply-quote-sender').textContent()).toBe('alice');
    expect(await reply.locator('.reply-quote-text').textContent()).toContain('Answering my own plan');
    expect(await reply.locator('.rich-text strong').textContent()).toBe('On my way');
    expect(await reply.locator(mark('alice')).textContent()).toBe('@alice');
    const tickets = reply.locator('.rich-text a');
    expect(await tickets.getAttribute('href')).toBe('https://example.org/tickets');
    expect(await tickets.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await tickets.getAttribute('target')).toBe('_blank');

    // The original is more than a page back: not in the log until the quote is clicked.
    const original = log.locator('.message', { has: page.locator('.rich-text blockquote') });
    expect(await original.count()).toBe(0);
    await answer.locator('.reply-quote').click();
    await log.locator('.message.is-flashed', { has: page.locator('.rich-text blockquote') }).waitFor({ timeout: 15_000 });
    const text = original.locator('.rich-text');
    expect(await text.locator('strong').textContent()).toBe('meet');
    expect(await text.locator('em').textContent()).toBe('noon');
    expect(await text.locator('s').textContent()).toBe('not');
    expect(await text.locator('code').textContent()).toBe('gate 4');
    expect(await text.locator('blockquote').textContent()).toContain('bring water');
    const map = text.locator('a');
    expect(await map.getAttribute('href')).toBe('https://example.com/map');
    expect(await map.getAttribute('target')).toBe('_blank');
    expect(await map.getAttribute('rel')).toBe('noopener noreferrer');
  }

  beforeAll(async () => {
    [t, browser] = await Promise.all([
      startTestServer({ env: { MESSAGES_PER_CONNECTION_PER_10S: '1000', EVENTS_PER_CONNECTION_PER_10S: '3000' } }),
      launchChromium(),
    ]);
    // The history, made by alice's and bob's first devices (the SDK) before either browser exists.
    const [alice, bob] = await Promise.all(
      ['alice', 'bob'].map(async (name) => {
        const c = t.client();
        await c.signup(name, chatPassword(name));
        await c.connect();
        return c;
      }),
    );
    sdk.push(alice!, bob!);
    await befriend(alice!, bob!);
    const id = (await alice!.conversations.openDirect('bob')).id;
    const original = await alice!.messages.send(id, ORIGINAL);
    for (let i = 0; i < FILLERS; i++) await alice!.messages.send(id, `Filler ${i}`);
    const answer = await alice!.messages.send(id, { text: ANSWER, replyTo: original.id });
    expect(answer.mentions).toEqual(['bob']);
    expect(answer.replyTo).toBe(original.id);
  }, 180_000);
  afterAll(async () => {
    for (const c of sdk) c.close();
    for (const b of opened) await b.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
  });

  it('bob reacts and replies with a mention in his browser; both sides show it all, live and after a reload', async () => {
    const [alice, bob] = [await logIn('alice'), await logIn('bob')];
    const answer = bob.page.locator('[role="log"] .message', { hasText: 'Answering my own plan' });
    await answer.waitFor({ timeout: 15_000 });
    await answer.hover();
    await answer.getByRole('button', { name: 'React to this message' }).click();
    await answer.getByRole('button', { name: '🎉' }).click();
    await answer.locator('.reaction.is-mine', { hasText: '🎉' }).waitFor();
    await answer.hover();
    await answer.getByRole('button', { name: 'Reply to this message' }).click();
    await bob.page.locator('.reply-banner', { hasText: 'alice' }).waitFor();
    await bob.page.locator('#composer-input').fill(BOB_REPLY);
    await bob.page.locator('#composer-input').press('Enter');
    await bob.page.locator('.is-pending').waitFor({ state: 'detached' });

    await expectRich(alice.page, 'alice');
    await expectRich(bob.page, 'bob');
    for (const [who, b] of [['alice', alice], ['bob', bob]] as const) {
      await b.page.reload();
      await openConversationInUi(b.page, who === 'alice' ? 'bob' : 'alice');
      await expectRich(b.page, who);
      expect(b.problems).toEqual([]);
    }
  }, 180_000);

  it("bob's new browser shows the same, read through his vault", async () => {
    const fresh = await logIn('bob');
    await expectRich(fresh.page, 'bob');
    expect(fresh.problems).toEqual([]);
  }, 120_000);
});
