import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/protocol/auth.js';
import { WEB_ROOT } from '../../src/server/http/static-files.js';
import { startTestServer, TEST_KDF, type TestServer } from '../support/server.js';

/** A raw GET (Node's fetch would decompress and pick its own Accept-Encoding). */
function get(t: TestServer, url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(new URL(url, t.url), { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** The first-load script and style that index.html names. */
function entryAssets(): { js: string; css: string } {
  const html = fs.readFileSync(path.join(WEB_ROOT, 'index.html'), 'utf8');
  const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  const css = /href="(\/assets\/[^"]+\.css)"/.exec(html)?.[1];
  if (!js || !css) throw new Error('index.html names no /assets/ script or style');
  return { js, css };
}

describe('static files: precompressed, cached by content hash, no source maps', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ webRoot: WEB_ROOT });
  });
  afterAll(() => t.close());

  it('sends / and its JS and CSS as brotli or gzip, as asked, with Vary: Accept-Encoding', async () => {
    const { js, css } = entryAssets();
    for (const url of ['/', js, css, '/c/00000000-0000-4000-8000-000000000000']) {
      const plain = await get(t, url);
      expect(plain.status).toBe(200);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers.vary).toMatch(/accept-encoding/i);

      const br = await get(t, url, { 'accept-encoding': 'gzip, deflate, br' });
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers.vary).toMatch(/accept-encoding/i);
      expect(zlib.brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
      expect(br.body.length).toBeLessThan(plain.body.length);
      expect(br.headers['content-type']).toBe(plain.headers['content-type']);

      const gz = await get(t, url, { 'accept-encoding': 'gzip' });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(zlib.gunzipSync(gz.body).equals(plain.body)).toBe(true);
    }
  });

  it('marks hashed assets immutable for a year, and the page and the service worker no-cache', async () => {
    const { js, css } = entryAssets();
    for (const url of [js, css]) {
      expect((await get(t, url, { 'accept-encoding': 'br' })).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    // The service worker and the manifest are fetched by fixed names: revalidated each time, so a deploy reaches them.
    for (const url of ['/', '/index.html', '/login', '/c/00000000-0000-4000-8000-000000000000', '/sw.js', '/manifest.webmanifest']) {
      const res = await get(t, url, { 'accept-encoding': 'br' });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-cache');
    }
  });

  it('answers 404 for source maps, which the build writes but the code never names', async () => {
    const { js } = entryAssets();
    expect(fs.existsSync(path.join(WEB_ROOT, `${js}.map`))).toBe(true);
    for (const encoding of [undefined, 'br', 'gzip']) {
      const res = await get(t, `${js}.map`, encoding ? { 'accept-encoding': encoding } : {});
      expect(res.status).toBe(404);
      expect(res.body.toString()).not.toContain('sourcesContent');
    }
    expect((await get(t, js)).body.toString()).not.toMatch(/sourceMappingURL/);
  });

  it('answers 404 (not the page) for a missing file', async () => {
    for (const url of ['/assets/nope-123.js', '/nope.css', '/assets/nope.js.map']) {
      const res = await get(t, url);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/json/);
    }
  });

  it('GET /api/auth/session answers 200 with null when signed out (no 401 on a signed-out page load)', async () => {
    for (const cookie of [undefined, `${SESSION_COOKIE}=not-a-session`]) {
      const res = await get(t, '/api/auth/session', cookie ? { cookie } : {});
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body.toString())).toEqual({ user: null });
    }
    const signup = await fetch(new URL('/api/auth/signup', t.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(t.url).origin },
      body: JSON.stringify({ username: 'alice', salt: randomBytes(16).toString('base64url'), kdf: TEST_KDF, authKey: randomBytes(32).toString('base64url') }),
    });
    expect(signup.status).toBe(201);
    const token = signup.headers.getSetCookie().find((l) => l.startsWith(`${SESSION_COOKIE}=`))?.split(';')[0];
    const res = await get(t, '/api/auth/session', { cookie: token ?? '' });
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body.toString()) as { user: { username: string } }).user.username).toBe('alice');
  });
});
