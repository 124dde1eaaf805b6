import http from 'node:http';
import path from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchChromium } from '../support/browser.js';

// The file encryption runs where the web UI will run it: in a module Web Worker, under the app's CSP (WebAssembly
// allowed by 'wasm-unsafe-eval', nothing inline). The worker is the SDK's own file-crypto.ts, bundled.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; object-src 'none'";

const WORKER = `
import { decryptFile, encryptFile, newFileKey, sha256Stream } from './src/sdk/crypto/file-crypto.ts';
async function* once(bytes) { yield bytes; }
self.onmessage = async (event) => {
  try {
    const plain = event.data;
    const key = await newFileKey();
    const hasher = await sha256Stream();
    const parts = [];
    for await (const c of encryptFile(key, once(plain))) { hasher.update(c); parts.push(c); }
    const out = [];
    for await (const p of decryptFile(key, (async function* () { yield* parts; })())) out.push(p);
    const back = new Uint8Array(out.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of out) { back.set(p, at); at += p.length; }
    const same = back.length === plain.length && back.every((b, i) => b === plain[i]);
    self.postMessage({ same, ciphertextBytes: parts.reduce((n, p) => n + p.length, 0), hashBytes: hasher.digest().length });
  } catch (err) {
    self.postMessage({ error: String(err) });
  }
};`;

const MAIN = `
const worker = new Worker('/worker.js', { type: 'module' });
const plain = new Uint8Array(600000);
for (let at = 0; at < plain.length; at += 65536) crypto.getRandomValues(plain.subarray(at, at + 65536));
worker.onmessage = (e) => console.log('file-crypto ' + JSON.stringify(e.data));
worker.onerror = (e) => console.log('file-crypto ' + JSON.stringify({ error: e.message || 'worker failed to load' }));
worker.postMessage(plain);`;

describeBrowser('file encryption in a Web Worker (Chromium)', () => {
  let server: http.Server;
  let browser: Browser;
  let origin = '';

  beforeAll(async () => {
    const bundled = await build({
      stdin: { contents: WORKER, resolveDir: path.resolve('.'), loader: 'ts' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      minify: true,
      write: false,
    });
    const workerJs = bundled.outputFiles[0]?.text ?? '';
    const files: Record<string, [string, string]> = {
      '/': ['text/html', '<!doctype html><title>file crypto</title><script type="module" src="/main.js"></script>'],
      '/main.js': ['text/javascript', MAIN],
      '/worker.js': ['text/javascript', workerJs],
    };
    server = http.createServer((req, res) => {
      const file = files[req.url ?? ''];
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': file[0], 'content-security-policy': CSP }).end(file[1]);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    origin = `http://localhost:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('encrypts, hashes and decrypts with libsodium and hash-wasm inside a module worker', async () => {
    const page = await browser.newPage();
    // The page reports on its console (the CSP forbids the evaluation a polling wait would need).
    const reported = page.waitForEvent('console', { predicate: (m) => m.text().startsWith('file-crypto '), timeout: 20_000 });
    await page.goto(`${origin}/`);
    const result: unknown = JSON.parse((await reported).text().slice('file-crypto '.length));
    expect(result).toEqual({ same: true, ciphertextBytes: 24 + 600000 + 3 * 17, hashBytes: 32 });
  });
});
