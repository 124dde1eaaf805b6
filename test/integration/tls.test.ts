import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const DAY_MS = 86_400_000;

/** `npm run cert -- --out DIR`, as a user would run it (tsx, the script's own argument parsing). */
async function runCertScript(outDir: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/cert.ts', '--out', outDir], { cwd: ROOT });
  return stdout;
}

interface TlsAttempt {
  ok: boolean;
  protocol?: string | null;
  authorized?: boolean;
  code?: string;
}

/** One TLS handshake pinned to exactly `version`, trusting only our CA. */
function handshake(port: number, ca: Buffer, version: tls.SecureVersion, ciphers = 'DEFAULT@SECLEVEL=0'): Promise<TlsAttempt> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      ca,
      servername: 'localhost',
      minVersion: version,
      maxVersion: version,
      // OpenSSL 3 will not even offer TLS 1.0/1.1 at its default security level: level 0 makes the client offer them,
      // so a refusal below is the server's.
      ciphers,
    });
    socket.once('secureConnect', () => {
      resolve({ ok: true, protocol: socket.getProtocol(), authorized: socket.authorized });
      socket.destroy();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      resolve({ ok: false, ...(err.code ? { code: err.code } : {}) });
      socket.destroy();
    });
  });
}

function httpsGet(
  url: string,
  options: https.RequestOptions,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { agent: false, ...options }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once('error', reject);
  });
}

describe('npm run cert', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cert-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('makes a CA and a localhost certificate it signed, with private keys readable only by the owner', async () => {
    const out = await runCertScript(dir);
    expect(out).toContain('TLS_CERT=');
    expect(out).toContain('update-ca-certificates');

    const ca = new X509Certificate(fs.readFileSync(path.join(dir, 'ca.crt')));
    const leaf = new X509Certificate(fs.readFileSync(path.join(dir, 'localhost.crt')));
    expect(ca.ca).toBe(true);
    const caExtensions = forge.pki.certificateFromPem(ca.toString());
    expect(caExtensions.getExtension('basicConstraints')).toMatchObject({ cA: true, critical: true });
    expect(caExtensions.getExtension('keyUsage')).toMatchObject({ keyCertSign: true, critical: true });
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkIP('::1')).toBe('::1');
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // Node lists the extended key usages: serverAuth only
    expect(ca.serialNumber).not.toBe(leaf.serialNumber);
    const leafDays = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / DAY_MS;
    expect(leafDays).toBeLessThanOrEqual(825);
    const caDays = (Date.parse(ca.validTo) - Date.parse(ca.validFrom)) / DAY_MS;
    expect(caDays).toBeGreaterThanOrEqual(3649);

    for (const key of ['ca.key', 'localhost.key']) {
      expect(fs.statSync(path.join(dir, key)).mode & 0o777).toBe(0o600);
    }
  });

  it('keeps the CA on a second run (a trusted CA stays trusted) and renews the localhost certificate', async () => {
    const caBefore = fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8');
    const caKeyBefore = fs.readFileSync(path.join(dir, 'ca.key'), 'utf8');
    const leafBefore = new X509Certificate(fs.readFileSync(path.join(dir, 'localhost.crt')));

    const out = await runCertScript(dir);
    expect(out).toContain('Kept the existing local CA');

    expect(fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8')).toBe(caBefore);
    expect(fs.readFileSync(path.join(dir, 'ca.key'), 'utf8')).toBe(caKeyBefore);
    const leafAfter = new X509Certificate(fs.readFileSync(path.join(dir, 'localhost.crt')));
    expect(leafAfter.serialNumber).not.toBe(leafBefore.serialNumber);
    expect(leafAfter.checkIssued(new X509Certificate(caBefore))).toBe(true);
    expect(leafAfter.verify(new X509Certificate(caBefore).publicKey)).toBe(true);
  });
});

describe(`HTTPS with the local CA (${dialect})`, () => {
  let dir: string;
  let ca: Buffer;
  let t: TestServer;
  let port: number;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-tls-'));
    await runCertScript(dir);
    ca = fs.readFileSync(path.join(dir, 'ca.crt'));
    t = await startTestServer({
      env: { TLS_CERT: path.join(dir, 'localhost.crt'), TLS_KEY: path.join(dir, 'localhost.key') },
    });
    port = Number(new URL(t.url).port);
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves https://', () => {
    expect(t.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers GET / over HTTPS to a client that trusts the CA, with HSTS and the strict CSP', async () => {
    const res = await httpsGet(`${t.url}/`, { ca });
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
    expect(res.headers['strict-transport-security']).toContain('includeSubDomains');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
  });

  it('verifies as localhost too (the name a browser uses)', async () => {
    const res = await httpsGet(`${t.url}/api/auth/me`, { ca, servername: 'localhost' });
    // Reached the application: not signed in, but the TLS handshake and the name check passed.
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });

  it('is refused by a client that does not trust the CA', async () => {
    const failure = await httpsGet(`${t.url}/`, {}).then(
      () => undefined,
      (err: NodeJS.ErrnoException) => err,
    );
    expect(failure?.code).toMatch(/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT)$/);
  });

  it.each(['TLSv1', 'TLSv1.1'] as const)('refuses a %s client', async (version) => {
    // Control: a server that allows the old version accepts this very client, so the client really offers it (some
    // OpenSSL builds cannot, even at security level 0) and a refusal below is Parley's doing.
    const lax = tls.createServer(
      {
        cert: fs.readFileSync(path.join(dir, 'localhost.crt')),
        key: fs.readFileSync(path.join(dir, 'localhost.key')),
        minVersion: 'TLSv1',
        ciphers: 'DEFAULT@SECLEVEL=0',
      },
      (socket) => socket.end(),
    );
    await new Promise<void>((resolve) => lax.listen(0, '127.0.0.1', resolve));
    let control: TlsAttempt;
    try {
      control = await handshake((lax.address() as { port: number }).port, ca, version);
    } finally {
      await new Promise((resolve) => lax.close(resolve));
    }

    const attempt = await handshake(port, ca, version);
    expect(attempt.ok).toBe(false);
    if (control.ok) {
      expect(control.protocol).toBe(version);
      // The server answered the offer with a protocol_version alert (70).
      expect(attempt.code).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    }
  });

  it('offers only forward-secret AEAD suites on TLS 1.2', async () => {
    for (const legacy of ['AES128-SHA', 'AES256-SHA256', 'ECDHE-RSA-AES128-SHA', 'ECDHE-RSA-AES256-SHA384']) {
      expect((await handshake(port, ca, 'TLSv1.2', `${legacy}@SECLEVEL=0`)).ok, legacy).toBe(false);
    }
    for (const modern of ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-CHACHA20-POLY1305']) {
      expect(await handshake(port, ca, 'TLSv1.2', modern), modern).toMatchObject({ ok: true, protocol: 'TLSv1.2' });
    }
  });

  it('accepts TLS 1.2 and TLS 1.3, with a certificate that chains to the CA', async () => {
    expect(await handshake(port, ca, 'TLSv1.2')).toEqual({ ok: true, protocol: 'TLSv1.2', authorized: true });
    expect(await handshake(port, ca, 'TLSv1.3')).toEqual({ ok: true, protocol: 'TLSv1.3', authorized: true });
  });
});
