import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { browserOrigin, chatUser, describeBrowser, expectHeading, launchChromium } from '../support/browser.js';
import { testEnv } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface InstallabilityErrors {
  installabilityErrors: { errorId: string; errorArguments: { name: string; value: string }[] }[];
}

describeBrowser('installable app: manifest, icons, service worker, offline shell', () => {
  let t: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('serves a manifest with maskable icons, a favicon and a no-cache service worker', async () => {
    const manifest = await fetch(new URL('/manifest.webmanifest', t.url));
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('content-type')).toMatch(/manifest\+json/);
    const body = (await manifest.json()) as { name: string; icons: { src: string; purpose?: string; sizes: string }[]; theme_color: string };
    expect(body.name).toBe('Parley');
    expect(body.icons.some((i) => i.purpose === 'maskable' && i.sizes === '512x512')).toBe(true);
    for (const icon of body.icons) expect((await fetch(new URL(icon.src, t.url))).status).toBe(200);
    const ico = await fetch(new URL('/favicon.ico', t.url));
    expect(ico.status).toBe(200);
    expect(ico.headers.get('content-type')).toMatch(/icon/);
    const sw = await fetch(new URL('/sw.js', t.url));
    expect(sw.status).toBe(200);
    expect(sw.headers.get('content-type')).toMatch(/javascript/);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
  });

  it('is installable (no installability errors) and reloads with the network cut, showing the shell', async () => {
    // A profile on disk: Chromium does not offer to install from an incognito-like context (Playwright's newContext).
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-pwa-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: testEnv.chromium,
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run', '--disable-component-update', '--disable-sync'],
    });
    context.setDefaultTimeout(10_000);
    const page = context.pages()[0] ?? (await context.newPage());
    try {
      await page.goto(`${browserOrigin(t)}/login`);
      await expectHeading(page, 'Log in', { focused: false });
      // The service worker installs (precaching the shell) and takes control of the page.
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
      const cdp = await context.newCDPSession(page);
      const { installabilityErrors }: InstallabilityErrors = await cdp.send('Page.getInstallabilityErrors');
      expect(installabilityErrors).toEqual([]);

      await context.setOffline(true);
      await page.reload();
      // Not the browser's error page: the app, from the precache, saying it is offline.
      // (Chromium's emulated offline leaves navigator.onLine true here, so either heading of the shell may show.)
      await page.getByRole('heading', { level: 1, name: /^(You are offline|Parley is unavailable)$/ }).waitFor();
      await page.getByText('Could not reach the Parley server.', { exact: false }).waitFor();
      expect(await page.title()).toMatch(/Parley$/);
      await page.getByRole('button', { name: 'Try again' }).waitFor();

      await context.setOffline(false);
      await page.getByRole('button', { name: 'Try again' }).click();
      await expectHeading(page, 'Log in', { focused: false });
    } finally {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });

  it('opens a signed-in user\'s pages from the precache: every chunk of the app is there', async () => {
    const alice = await chatUser(browser, t, 'alice');
    try {
      await alice.page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
      const cached = await alice.page.evaluate(async () => {
        const names = await caches.keys();
        const urls: string[] = [];
        for (const name of names) for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
        return urls;
      });
      const scripts = await alice.page.evaluate(() =>
        (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
          .map((e) => new URL(e.name).pathname)
          .filter((p) => p.startsWith('/assets/') && p.endsWith('.js')),
      );
      expect(scripts.length).toBeGreaterThan(1);
      for (const script of scripts) expect(cached).toContain(script);
      expect(cached.some((p) => p.includes('zxcvbn'))).toBe(false);
      expect(alice.problems).toEqual([]);
    } finally {
      await alice.context.close();
    }
  });
});
