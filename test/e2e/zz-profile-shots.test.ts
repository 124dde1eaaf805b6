import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { browserOrigin, describeBrowser, launchChromium, openPage, signUpInUi } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';

describeBrowser('profile screenshots', () => {
  let t: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await browser.close();
    await t.close();
  });
  it('shots', async () => {
    const origin = browserOrigin(t);
    const { page, context } = await openPage(browser);
    await signUpInUi(page, origin, 'alice', 'violet-harbor-lantern-93');
    await page.goto(`${origin}/settings`);
    await page.locator('#profile-display-name').waitFor();
    await page.locator('#profile-display-name').fill('Alice Liddell 🌷');
    const png = await page.evaluate(async () => {
      const c = document.createElement('canvas');
      c.width = 400; c.height = 300;
      const g = c.getContext('2d');
      if (!g) return '';
      const grad = g.createLinearGradient(0, 0, 400, 300);
      grad.addColorStop(0, '#f59e0b'); grad.addColorStop(1, '#7c3aed');
      g.fillStyle = grad; g.fillRect(0, 0, 400, 300);
      return c.toDataURL('image/png').split(',')[1] ?? '';
    });
    await page.locator('#profile-avatar-input').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') });
    await page.locator('img.profile-avatar').waitFor();
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Profile saved').waitFor({ timeout: 30_000 });
    for (const [label, vp] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        await page.setViewportSize(vp);
        await page.emulateMedia({ colorScheme: scheme });
        await page.locator('#settings-profile').scrollIntoViewIfNeeded();
        await page.screenshot({ path: `test-results/profile-${label}-${scheme}.png` });
      }
    }
    expect(true).toBe(true);
    await context.close();
  }, 180_000);
});
