/**
 * Rich content is text, never HTML, in Chromium: the payloads of chat-xss.test.ts go through file names (and a file's
 * type), a caption, Markdown (link texts and targets, inline code, a code block, a quote, a list, bold) and reactions,
 * sent by alice's SDK device; bob's browser shows every one literally, runs nothing and creates no element from them.
 * A reaction that is not one emoji is refused by the sender's SDK (and by every decoder: unit/content-codec.test.ts).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Message, ParleyClient } from '../../src/sdk/index.js';
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

const IMG = '<img src=x onerror="window.__xss=1">';
const SCRIPT = '<script>window.__xss=1</script>';
const MIXED = `${IMG} ${SCRIPT} <b>bold</b> &amp; done`;
const FORMATTED = [
  `[${IMG}](https://example.com/a) [click](javascript:window.__xss=1) [data](data:text/html,${SCRIPT})`,
  `<https://example.com/"onmouseover="window.__xss=1> and \`${IMG}\``,
  '',
  '```',
  SCRIPT,
  IMG,
  '```',
  '',
  `> ${MIXED}`,
  '',
  `- ${IMG}`,
  `- **${SCRIPT}**`,
].join('\n');
/** Single emoji that are several code points (skin tone, joiners, keycap, flag). */
const EMOJI = ['👩🏽‍💻', '1️⃣', '🏳️‍🌈'];

/** Nothing ran, and nothing but our own elements was created from the payloads. */
async function expectInert(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
  expect(await page.locator('img').count()).toBe(0);
  expect(await page.locator('b').count()).toBe(0);
  expect(await page.locator('[onerror], [onmouseover]').count()).toBe(0);
  expect(await page.locator('a[href^="javascript"], a[href^="data"]').count()).toBe(0);
  expect(await page.evaluate(() => [...document.scripts].filter((s) => !s.src).length)).toBe(0);
}

describeBrowser(`rich content in Chromium: file names, captions, formatting and reactions stay text (${dialect})`, () => {
  let t: TestServer;
  let browser: Browser;
  const sdk: ParleyClient[] = [];
  let withFiles: Message;
  let formatted: Message;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
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
    const bytes = new TextEncoder().encode(`${SCRIPT}\n${IMG}\n`);
    withFiles = await alice!.messages.send(id, {
      text: MIXED,
      attachments: [
        { name: IMG, type: 'text/html', data: bytes },
        { name: `${SCRIPT}.svg`, type: SCRIPT, data: bytes },
      ],
    });
    formatted = await alice!.messages.send(id, FORMATTED);
    for (const emoji of EMOJI) await alice!.messages.react(withFiles.id, emoji);
    await bob!.messages.react(formatted.id, '👍');
  }, 120_000);
  afterAll(async () => {
    for (const c of sdk) c.close();
    await browser?.close();
    await t?.close();
  });

  it('a reaction that is not one emoji is refused by the sending SDK', async () => {
    for (const payload of [IMG, SCRIPT, `👍${IMG}`]) {
      await expect(sdk[0]!.messages.react(withFiles.id, payload)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });

  it("bob's browser shows every payload literally and runs none", async () => {
    const { context, page } = await openPage(browser);
    const problems = await watchProblems(context);
    await logInInUi(page, browserOrigin(t), 'bob', chatPassword('bob'));
    await openConversationInUi(page, 'alice');
    const log = page.locator('[role="log"]');

    // File names (and the type, which picks no renderer: both are files with a Download button) and the caption.
    const files = log.locator('.message', { has: page.locator('.attachments') });
    await files.locator('.attachment-file').nth(1).waitFor();
    expect(await files.locator('.file-name').allTextContents()).toEqual([IMG, `${SCRIPT}.svg`]);
    expect(await files.locator('.file-name').first().getAttribute('title')).toBe(IMG);
    await files.getByRole('button', { name: `Download ${IMG}` }).waitFor();
    expect(await files.locator('.rich-text').textContent()).toBe(MIXED);

    // Markdown: each construct built as our own elements, the payloads inside them as text.
    const md = log.locator('.message', { hasText: 'click' }).locator('.rich-text');
    await md.waitFor();
    const link = md.locator('a', { hasText: IMG });
    expect(await link.textContent()).toBe(IMG);
    expect(await link.getAttribute('href')).toBe('https://example.com/a');
    for (const a of await md.locator('a').all()) {
      expect(['https:', 'http:', 'mailto:']).toContain(await a.evaluate((el) => (el as HTMLAnchorElement).protocol));
      expect(await a.getAttribute('onmouseover')).toBeNull();
    }
    expect(await md.locator('code').first().textContent()).toBe(IMG);
    expect(await md.locator('pre code').textContent()).toBe(`${SCRIPT}\n${IMG}`);
    expect(await md.locator('blockquote').textContent()).toContain(MIXED);
    expect(await md.locator('li').allTextContents()).toEqual([IMG, SCRIPT]);
    expect(await md.locator('li strong').textContent()).toBe(SCRIPT);
    expect(await md.textContent()).toContain('[click](javascript:window.__xss=1)');

    // Reactions: each emoji shown as text, with who made it.
    for (const emoji of EMOJI) {
      const reaction = files.locator('.reaction', { hasText: emoji });
      await reaction.waitFor();
      expect(await reaction.locator('.reaction-emoji').textContent()).toBe(emoji);
      expect(await reaction.getAttribute('title')).toBe(`${emoji} 1: alice`);
    }
    await log.locator('.message', { hasText: 'click' }).locator('.reaction.is-mine[title="👍 1: you"]').waitFor();

    // Hovering and focusing the links runs nothing either.
    for (const a of await md.locator('a').all()) await a.hover();
    await expectInert(page);
    expect(problems).toEqual([]);
    await context.close();
  });
});
