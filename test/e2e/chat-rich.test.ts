/**
 * Rich conversations in Chromium: alice sends bob a photo (carrying an EXIF block with a GPS canary) with a formatted
 * caption; bob sees the image, the caption with its link, replies; alice sees the quote and reacts; bob sees the
 * reaction. The photo bob decrypts has no EXIF left. XSS payloads in the caption, its links and the file name stay text.
 */
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { befriendInUi, chatUser, describeBrowser, launchChromium, openConversationInUi, type ChatUser } from '../support/browser.js';
import { dialect } from '../support/env.js';
import { GPS_CANARY, jpegWithExif } from '../support/images.js';
import { startTestServer, type TestServer } from '../support/server.js';

const FILE_NAME = '<img src=x onerror="window.__xss=1">.jpg';
const CAPTION = [
  '**Paris** at _night_, see https://example.com/trip?a=1&b=2',
  '[click me](javascript:window.__xss=1) <script>window.__xss=1</script> <b>not bold</b>',
].join('\n');

async function expectInert(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
  expect(await page.locator('b').count()).toBe(0);
  expect(await page.locator('[onerror]').count()).toBe(0);
  expect(await page.locator('a[href^="javascript"]').count()).toBe(0);
  expect(await page.evaluate(() => [...document.scripts].filter((s) => !s.src).length)).toBe(0);
}

describeBrowser(`chat in Chromium: photos, formatting, replies and reactions (${dialect})`, () => {
  let t: TestServer;
  let browser: Browser;
  let alice: ChatUser;
  let bob: ChatUser;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
    [alice, bob] = await Promise.all([chatUser(browser, t, 'alice'), chatUser(browser, t, 'bob')]);
    await befriendInUi(alice, bob);
    await alice.page.getByRole('button', { name: 'Message bob', exact: true }).click();
    await openConversationInUi(bob.page, 'alice');
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('alice sends a photo with a caption; bob sees the image (no EXIF), the formatting and a safe link', async () => {
    const jpeg = await jpegWithExif(alice.page);
    expect(jpeg.includes(Buffer.from(GPS_CANARY))).toBe(true);
    await alice.page.locator('.composer input[type=file]').setInputFiles({ name: FILE_NAME, mimeType: 'image/jpeg', buffer: jpeg });
    await alice.page.locator('.composer-file', { hasText: FILE_NAME }).waitFor();
    await alice.page.locator('#composer-input').fill(CAPTION);
    await alice.page.locator('#composer-input').press('Enter');
    await alice.page.locator('.is-pending').waitFor({ state: 'detached' });
    // The image was re-encoded and its thumbnail made in the image worker (OffscreenCanvas), not on the page.
    expect(alice.page.workers().some((w) => w.url().includes('image-worker'))).toBe(true);

    const log = bob.page.locator('[role="log"]');
    const photo = log.locator('.attachment-image img[src^="blob:"]');
    await photo.waitFor();
    expect(await photo.getAttribute('alt')).toBe(FILE_NAME);
    expect(await log.locator('.rich-text strong').first().textContent()).toBe('Paris');
    expect(await log.locator('.rich-text em').first().textContent()).toBe('night');
    const link = log.locator('.rich-text a', { hasText: 'https://example.com/trip' });
    expect(await link.getAttribute('href')).toBe('https://example.com/trip?a=1&b=2');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await log.locator('.rich-text').first().textContent()).toContain('<script>window.__xss=1</script> <b>not bold</b>');

    // Opened large (keyboard: Escape closes it); its Download gives the decrypted photo: a JPEG without the EXIF
    // block (re-encoded on alice's device).
    await log.locator('.attachment-image-button').click();
    const viewer = bob.page.locator('dialog.image-viewer');
    await viewer.waitFor();
    const [download] = await Promise.all([bob.page.waitForEvent('download'), viewer.getByRole('link', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe(FILE_NAME.replace(/[<>"/]/g, '_').replace(/^_/, '_'));
    const got = fs.readFileSync(await download.path());
    expect(got.subarray(0, 2).equals(Buffer.from([0xff, 0xd8]))).toBe(true);
    expect(got.length).toBeGreaterThan(200);
    expect(got.includes(Buffer.from(GPS_CANARY))).toBe(false);
    expect(got.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);
    await bob.page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
  });

  it('bob replies to it; alice sees the quote, reacts, and bob sees the reaction with who made it', async () => {
    const original = bob.page.locator('[role="log"] .message', { has: bob.page.locator('.attachment-image') });
    await original.hover();
    await original.getByRole('button', { name: 'Reply to this message' }).click();
    await bob.page.locator('.reply-banner', { hasText: 'alice' }).waitFor();
    await bob.page.locator('#composer-input').fill('Beautiful! @alice');
    await bob.page.locator('#composer-input').press('Enter');
    await bob.page.locator('.is-pending').waitFor({ state: 'detached' });

    const quote = alice.page.locator('[role="log"] .reply-quote');
    await quote.waitFor();
    expect(await quote.locator('.reply-quote-sender').textContent()).toBe('alice');
    expect(await quote.locator('.reply-quote-text').textContent()).toContain('Paris');
    expect(await alice.page.locator('[role="log"] .mention.is-me').textContent()).toBe('@alice');
    await quote.click();
    await alice.page.locator('[role="log"] .message.is-flashed .attachment-image').waitFor();

    const reply = alice.page.locator('[role="log"] .message', { hasText: 'Beautiful!' });
    await reply.hover();
    await reply.getByRole('button', { name: 'React to this message' }).click();
    await reply.getByRole('button', { name: '🎉' }).click();
    await reply.locator('.reaction.is-mine', { hasText: '🎉' }).waitFor();

    const seen = bob.page.locator('[role="log"] .reaction', { hasText: '🎉' });
    await seen.waitFor();
    expect(await seen.getAttribute('title')).toBe('🎉 1: alice');
    expect(await seen.locator('.reaction-count').textContent()).toBe('1');
    // bob adds his: the count is shared, and alice sees both names.
    await seen.click();
    await alice.page.locator('[role="log"] .reaction[title="🎉 2: you, bob"]').waitFor();

    for (const u of [alice, bob]) {
      await expectInert(u.page);
      expect(u.problems).toEqual([]);
    }
  });

  it('alice reacts with an emoji from the full picker, loaded when opened from our own origin; bob sees it', async () => {
    const elsewhere: string[] = [];
    alice.page.on('request', (r) => {
      if (new URL(r.url()).origin !== new URL(alice.page.url()).origin && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) elsewhere.push(r.url());
    });
    const message = alice.page.locator('[role="log"] .message', { hasText: 'Beautiful!' });
    await message.hover();
    await message.getByRole('button', { name: 'React to this message' }).click();
    const loaded = alice.page.waitForResponse((r) => /\/assets\/data-[^/]+\.json$/.test(new URL(r.url()).pathname));
    await message.getByRole('button', { name: 'More emoji' }).click();
    const picker = alice.page.getByRole('dialog', { name: 'React with an emoji' });
    await picker.waitFor();
    expect((await loaded).status()).toBe(200);
    // The search field has the focus: type, go down into the results, pick with Enter.
    await alice.page.keyboard.type('rocket');
    const rocketButton = picker.getByRole('button', { name: 'rocket', exact: true });
    await rocketButton.waitFor();
    // ArrowDown moves from the search field into the results; Enter on the rocket picks it.
    await alice.page.keyboard.press('ArrowDown');
    await rocketButton.focus();
    await alice.page.keyboard.press('Enter');
    await picker.waitFor({ state: 'detached' });
    await message.locator('.reaction.is-mine[title="🚀 1: you"]').waitFor();
    await bob.page.locator('[role="log"] .reaction[title="🚀 1: alice"]').waitFor();

    // Escape closes the picker and gives the focus back to its button.
    await message.hover();
    await message.getByRole('button', { name: 'React to this message' }).click();
    await message.getByRole('button', { name: 'More emoji' }).click();
    await picker.getByRole('searchbox', { name: 'Search emoji' }).waitFor();
    await alice.page.keyboard.press('Escape');
    await picker.waitFor({ state: 'detached' });
    expect(await alice.page.evaluate(() => document.activeElement?.textContent)).toContain('More emoji');
    expect(elsewhere).toEqual([]);
    expect(alice.problems).toEqual([]);
  });

  it("alice mentions bob by the composer's autocomplete (keyboard); bob sees the mention highlighted", async () => {
    const field = alice.page.locator('#composer-input');
    await field.click();
    await field.pressSequentially('Look @b');
    const list = alice.page.getByRole('listbox', { name: 'Members to mention' });
    await list.getByRole('option', { name: '@bob' }).waitFor();
    expect(await list.isVisible()).toBe(true);
    expect(await field.getAttribute('aria-activedescendant')).toBe(await list.getByRole('option', { name: '@bob' }).getAttribute('id'));
    // Escape closes the list and leaves the text; typing on opens it again; Tab inserts the name.
    await field.press('Escape');
    await list.waitFor({ state: 'hidden' });
    expect(await field.getAttribute('aria-activedescendant')).toBeNull();
    expect(await field.inputValue()).toBe('Look @b');
    await field.press('Backspace');
    await field.pressSequentially('b');
    await list.getByRole('option', { name: '@bob' }).waitFor();
    await field.press('Tab');
    expect(await field.inputValue()).toBe('Look @bob ');
    await field.pressSequentially('at this');
    await field.press('Enter');
    await alice.page.locator('.is-pending').waitFor({ state: 'detached' });
    const mention = bob.page.locator('[role="log"] .message', { hasText: 'Look' }).locator('.mention.is-me');
    await mention.waitFor();
    expect(await mention.textContent()).toBe('@bob');
    expect(alice.problems).toEqual([]);
    expect(bob.problems).toEqual([]);
  });
});
