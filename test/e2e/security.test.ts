import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_KDF } from '../../src/sdk/index.js';
import {
  browserOrigin,
  describeBrowser,
  expectHeading,
  goToSessions,
  launchChromium,
  logInInUi,
  openPage,
  signUpInUi,
} from '../support/browser.js';
import { dialect } from '../support/env.js';
import { startTestServer, TEST_KDF, type TestServer } from '../support/server.js';

// Spaces, '&', '#' and '/' make the URL-encoded forms differ from the raw password.
const PASSWORD = 'Quiet harbor & violet/lantern #93';
const FORMS = [PASSWORD, encodeURIComponent(PASSWORD), new URLSearchParams({ p: PASSWORD }).toString().slice(2)];

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: string;
}

async function record(request: Request): Promise<Sent> {
  return { url: request.url(), headers: await request.allHeaders(), body: request.postData() ?? '' };
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

/** Every row of the users and sessions tables, as text. */
async function postgresRows(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const res = await c.query<{ row: string }>(
      'SELECT row_to_json(u)::text AS row FROM users u UNION ALL SELECT row_to_json(s)::text FROM sessions s',
    );
    return res.rows.map((r) => r.row).join('\n');
  } finally {
    await c.end();
  }
}

describeBrowser(`web UI in Chromium: secrets and CSP (${dialect})`, () => {
  let t: TestServer;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
    origin = browserOrigin(t);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('never sends the typed password in any request or socket frame, nor stores or logs it', async () => {
    const { context, page } = await openPage(browser);
    const pending: Promise<Sent>[] = [];
    const frames: string[] = [];
    context.on('request', (r) => pending.push(record(r)));
    page.on('websocket', (ws) => ws.on('framesent', (f) => frames.push(String(f.payload))));

    await signUpInUi(page, origin, 'alice', PASSWORD);
    await page.getByRole('button', { name: 'Log out' }).click();
    await expectHeading(page, 'Private conversations, end to end');
    await logInInUi(page, origin, 'alice', PASSWORD);
    await goToSessions(page);
    // Read every request's headers while the context is still open, then close it.
    const sent = await Promise.all(pending);
    await context.close();

    const posts = sent.filter((s) => s.url.includes('/api/auth/'));
    // The check is not vacuous: sign-up and log-in went out, carrying the derived key instead.
    expect(posts.some((s) => s.url.endsWith('/api/auth/signup') && s.body.includes('"authKey"'))).toBe(true);
    expect(posts.some((s) => s.url.endsWith('/api/auth/login') && s.body.includes('"authKey"'))).toBe(true);
    for (const s of sent) {
      const text = [s.url, JSON.stringify(s.headers), s.body].join('\n');
      for (const form of FORMS) expect(text.includes(form), `password found in a request to ${s.url}`).toBe(false);
    }
    for (const frame of frames) for (const form of FORMS) expect(frame.includes(form)).toBe(false);

    const needle = Buffer.from(PASSWORD, 'utf8');
    if (dialect === 'sqlite') {
      const files = filesUnder(t.db.dataDir);
      expect(files.some((f) => f.endsWith('.sqlite'))).toBe(true);
      for (const file of files) expect(fs.readFileSync(file).includes(needle), `password in ${file}`).toBe(false);
    } else {
      const rows = await postgresRows(t.db.postgresUrl ?? '');
      expect(rows).toContain('alice');
      expect(rows.includes(PASSWORD)).toBe(false);
    }
    expect(t.logs.text).toContain('/api/auth/login');
    for (const form of FORMS) expect(t.logs.text.includes(form)).toBe(false);
  });

  it('serves / with a strict CSP and runs every page without a CSP violation or page error', async () => {
    const { context, page } = await openPage(browser);
    const problems: string[] = [];
    context.on('console', (m) => {
      // The signed-out page's GET /api/auth/me answers 401: Chromium logs that, and it is expected.
      if (/status of 401/.test(m.text())) return;
      if (m.type() === 'error' || m.text().includes('Content Security Policy')) problems.push(`console: ${m.text()}`);
    });
    context.on('weberror', (e) => problems.push(`error: ${e.error().message}`));
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });

    const response = await page.goto(`${origin}/`);
    const csp = (await response?.allHeaders())?.['content-security-policy'] ?? '';
    expect(csp).toMatch(/(^|;)\s*script-src 'self'( 'wasm-unsafe-eval')?\s*(;|$)/);
    expect(csp).toMatch(/(^|;)\s*frame-ancestors 'none'\s*(;|$)/);
    expect(csp).toMatch(/(^|;)\s*style-src 'self'\s*(;|$)/);

    // Every page, the strength checker's dictionaries, the KDF worker and its WebAssembly, the socket.
    await signUpInUi(page, origin, 'carol', 'amber-falcon-river-204');
    await goToSessions(page);
    await page.getByLabel('New password', { exact: true }).fill('cobalt-thistle-orbit-66');
    await page.locator('#new-password-strength', { hasText: /Strong enough\./ }).waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();
    await expectHeading(page, 'Private conversations, end to end');
    await page.goto(`${origin}/no-such-page`);
    await expectHeading(page, 'Page not found', { focused: false });
    await context.close();
    expect(problems).toEqual([]);
  });

  it('uses the production KDF parameters unless the test override is set', async () => {
    const { context, page } = await openPage(browser, { testKdf: false });
    page.setDefaultTimeout(90_000);
    // 64 MiB Argon2id (t=3) in WebAssembly: seconds on an idle machine, much longer on a loaded one.
    const signup = page.waitForRequest((r) => r.url().endsWith('/api/auth/signup'), { timeout: 90_000 });
    await signUpInUi(page, origin, 'bob', 'quartz-meadow-circuit-58');
    const body = JSON.parse((await signup).postData() ?? '{}') as { kdf?: unknown };
    expect(body.kdf).toEqual(DEFAULT_KDF);
    expect(body.kdf).not.toEqual(TEST_KDF);
    await context.close();
  }, 120_000);
});
