/**
 * Files in Chromium, end to end: alice sends bob a 20 MiB file and a JPEG carrying a GPS EXIF block in one message;
 * bob sees the thumbnail, opens the image, downloads both: the file byte-identical, the photo without its EXIF. No
 * 64-byte run from inside the file is on the server's disk, in its database or its logs. carol (not a member) gets
 * NOT_FOUND for either blob; once alice deletes the message, its blobs are gone from storage. (An upload resumed after
 * a dropped connection: integration/files.test.ts, the same SDK code.)
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ParleyClient } from '../../src/sdk/index.js';
import { befriendInUi, chatUser, describeBrowser, launchChromium, openConversationInUi, type ChatUser } from '../support/browser.js';
import { dialect } from '../support/env.js';
import { httpOf, serverHolds } from '../support/files.js';
import { GPS_CANARY, jpegWithExif } from '../support/images.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { signedIn } from '../support/users.js';

const MiB = 1024 * 1024;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describeBrowser(`files in Chromium: a 20 MiB file and a photo, end to end (${dialect})`, () => {
  let t: TestServer;
  let browser: Browser;
  let alice: ChatUser;
  let bob: ChatUser;
  let carol: ParleyClient;
  const big = new Uint8Array(randomBytes(20 * MiB));
  const blobIds: string[] = [];

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
    [alice, bob, carol] = await Promise.all([chatUser(browser, t, 'alice'), chatUser(browser, t, 'bob'), signedIn(t, 'carol')]);
    await befriendInUi(alice, bob);
    await alice.page.getByRole('button', { name: 'Message bob', exact: true }).click();
    await openConversationInUi(bob.page, 'alice');
  });
  afterAll(async () => {
    carol?.close();
    await browser?.close();
    await t?.close();
  });

  it('bob sees the thumbnail, opens the photo (no GPS left) and downloads the 20 MiB file byte-identical', async () => {
    alice.page.on('response', (r) => {
      if (r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/blobs' && r.ok()) {
        void r.json().then((body: { blobId?: string }) => body.blobId && blobIds.push(body.blobId));
      }
    });
    const jpeg = await jpegWithExif(alice.page);
    // From files on disk (a 20 MiB buffer would cross the DevTools protocol as base64).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-files-'));
    const [photoPath, archive] = [path.join(dir, 'photo.jpg'), path.join(dir, 'archive.bin')];
    fs.writeFileSync(photoPath, jpeg);
    fs.writeFileSync(archive, big);
    await alice.page.locator('.composer input[type=file]').setInputFiles([photoPath, archive]);
    await alice.page.locator('.composer-file', { hasText: 'archive.bin' }).waitFor();
    await alice.page.locator('.composer-file', { hasText: 'photo.jpg' }).waitFor();
    await alice.page.locator('#composer-input').fill('The photo and the archive');
    await alice.page.locator('#composer-input').press('Enter');
    await alice.page.locator('.is-pending').waitFor({ state: 'detached', timeout: 180_000 });
    expect(blobIds).toHaveLength(2);

    // The thumbnail (inside the message) is shown at once, at the photo's real size and aspect ratio (64 × 48).
    const log = bob.page.locator('[role="log"]');
    const image = log.locator('.attachment-image img');
    await image.waitFor();
    expect(await image.getAttribute('width')).toBe('64');
    expect(await image.getAttribute('height')).toBe('48');
    // Opened with the keyboard; Escape closes it.
    await log.locator('.attachment-image-button').focus();
    await bob.page.keyboard.press('Enter');
    const viewer = bob.page.locator('dialog.image-viewer');
    await viewer.waitFor();
    const [photo] = await Promise.all([bob.page.waitForEvent('download'), viewer.getByRole('link', { name: 'Download' }).click()]);
    const got = fs.readFileSync(await photo.path());
    expect(got.subarray(0, 2).equals(Buffer.from([0xff, 0xd8]))).toBe(true);
    expect(got.includes(Buffer.from(GPS_CANARY))).toBe(false);
    expect(got.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);
    await bob.page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });

    const chip = log.locator('.attachment-file', { hasText: 'archive.bin' });
    await chip.getByText('20.0 MB').waitFor();
    const [file] = await Promise.all([bob.page.waitForEvent('download', { timeout: 120_000 }), chip.getByRole('button', { name: /Download/ }).click()]);
    expect(file.suggestedFilename()).toBe('archive.bin');
    expect(sha256(fs.readFileSync(await file.path()))).toBe(sha256(big));
  });

  it("no 64-byte run from inside the file is on the server's disk, in its database or its logs", async () => {
    const at = 7 * MiB + Math.floor(Math.random() * MiB);
    const run = big.subarray(at, at + 64);
    expect(await serverHolds(t.db, run)).toBe(false);
    for (const form of [Buffer.from(run).toString('hex'), Buffer.from(run).toString('base64'), Buffer.from(run).toString('latin1')]) {
      expect(t.logs.text.includes(form)).toBe(false);
    }
  });

  it('carol, not a member, gets NOT_FOUND for either blob; after alice deletes the message both are gone from storage', async () => {
    for (const id of blobIds) {
      await expect(httpOf(carol).binary('GET', `/api/blobs/${id}`, {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    // A run of each blob's ciphertext, as bob's page fetches it: on the server's disk until the message goes.
    const runs = await bob.page.evaluate(async (ids) => {
      const out: string[] = [];
      for (const id of ids) {
        const bytes = new Uint8Array(await (await fetch(`/api/blobs/${id}`)).arrayBuffer());
        const from = Math.floor(bytes.length / 2);
        out.push(Array.from(bytes.subarray(from, from + 64), (b) => b.toString(16).padStart(2, '0')).join(''));
      }
      return out;
    }, blobIds);
    for (const hex of runs) expect(await serverHolds(t.db, Buffer.from(hex, 'hex'))).toBe(true);

    const own = alice.page.locator('[role="log"] .message', { hasText: 'The photo and the archive' });
    await own.hover();
    await own.getByRole('button', { name: /Actions for your message/ }).click();
    await own.getByRole('button', { name: 'Delete', exact: true }).click();
    await alice.page.getByRole('group', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete' }).click();
    await bob.page.locator('[role="log"] .message-text.is-deleted').waitFor();
    for (const hex of runs) expect(await serverHolds(t.db, Buffer.from(hex, 'hex'))).toBe(false);
    expect(alice.problems).toEqual([]);
    expect(bob.problems).toEqual([]);
  });
});
