import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/protocol/auth.js';
import { ParleyClient, deriveKeys } from '../../src/sdk/index.js';
import { dialect } from '../support/env.js';
import { databaseBytes as readDatabase } from '../support/database.js';
import { startTestServer, TEST_KDF, type TestServer } from '../support/server.js';

const PASSWORD = 'Zebra-Quokka-Nebula-7741!';
const NEW_PASSWORD = 'Marmot-Tundra-Comet-5309?';
const USERNAME = 'secret-keeper';


/**
 * The forms a secret could take on disk or in a log. A password (text): UTF-8, UTF-16, base64, hex. A key or token
 * (bytes; its wire form is base64url): base64url, base64, hex and the raw bytes.
 */
function forms(secret: string | Uint8Array): { label: string; bytes: Buffer }[] {
  const raw = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  const encoded = [
    { label: 'base64', bytes: Buffer.from(raw.toString('base64').replace(/=+$/, '')) },
    { label: 'hex', bytes: Buffer.from(raw.toString('hex')) },
  ];
  if (typeof secret === 'string') {
    return [{ label: 'text', bytes: raw }, { label: 'utf16', bytes: Buffer.from(secret, 'utf16le') }, ...encoded];
  }
  return [{ label: 'base64url', bytes: Buffer.from(raw.toString('base64url')) }, ...encoded, { label: 'raw', bytes: raw }];
}
const keyBytes = (b64urlText: string) => new Uint8Array(Buffer.from(b64urlText, 'base64url'));

describe(`no secret at rest or in logs (${dialect})`, () => {
  let t: TestServer;
  /** Every request the SDK sent and every session token the server set. */
  const sentBodies: string[] = [];
  const tokens: string[] = [];
  const secrets: Record<string, string | Uint8Array> = { password: PASSWORD, newPassword: NEW_PASSWORD };

  const recordingFetch: typeof fetch = async (input, init) => {
    if (typeof init?.body === 'string') sentBodies.push(init.body);
    const res = await fetch(input, init);
    for (const line of res.headers.getSetCookie()) {
      const value = line.split(';')[0]?.slice(SESSION_COOKIE.length + 1) ?? '';
      if (line.startsWith(`${SESSION_COOKIE}=`) && value) tokens.push(value);
    }
    return res;
  };
  const client = () => new ParleyClient({ baseUrl: t.url, kdf: { ...TEST_KDF }, minKdf: TEST_KDF, fetch: recordingFetch });

  /** The authKey and vaultKey the SDK derives for this password with the salt the server holds now. */
  async function currentKeys(password: string) {
    const res = await fetch(new URL('/api/auth/prelogin', t.url), {
      method: 'POST',
      headers: { origin: new URL(t.url).origin, 'content-type': 'application/json' },
      body: JSON.stringify({ username: USERNAME }),
    });
    const { salt } = (await res.json()) as { salt: string };
    return deriveKeys(password, Buffer.from(salt, 'base64url'), { ...TEST_KDF });
  }

  const databaseBytes = () => readDatabase(t.db);

  beforeAll(async () => {
    t = await startTestServer({ env: { LOG_LEVEL: 'trace' } });

    const alice = client();
    await alice.signup(USERNAME, PASSWORD);
    const first = await currentKeys(PASSWORD);
    secrets.authKey = keyBytes(first.authKey);
    secrets.vaultKey = first.vaultKey;

    const phone = client();
    await phone.login(USERNAME.toUpperCase(), PASSWORD);
    await phone.connect();
    await phone.whoami();
    await expect(client().login(USERNAME, 'Wrong-Password-Attempt-123')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await alice.changePassword(PASSWORD, NEW_PASSWORD);
    const second = await currentKeys(NEW_PASSWORD);
    secrets.newAuthKey = keyBytes(second.authKey);
    secrets.newVaultKey = second.vaultKey;

    const laptop = client();
    await laptop.login(USERNAME, NEW_PASSWORD);
    await laptop.me();
    await laptop.logout();
    phone.close();
  });
  afterAll(() => t?.close());

  it('the SDK sent the authKey but never the password or the vault key', () => {
    const sent = sentBodies.join('\n');
    expect(sent).toContain(Buffer.from(secrets.authKey ?? '').toString('base64url'));
    expect(sent).toContain(Buffer.from(secrets.newAuthKey ?? '').toString('base64url'));
    for (const name of ['password', 'newPassword', 'vaultKey', 'newVaultKey']) {
      for (const { label, bytes } of forms(secrets[name] ?? '')) {
        expect(sent.includes(bytes.toString('latin1')), `${name} (${label}) in a request`).toBe(false);
      }
    }
  });

  it('session tokens were set (a new one at each sign-up and log-in)', () => {
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('the database holds no password, key or session token, only token hashes', async () => {
    const db = await databaseBytes();
    expect(db.includes(Buffer.from(USERNAME))).toBe(true); // the dump is real
    for (const [name, secret] of Object.entries(secrets)) {
      for (const { label, bytes } of forms(secret)) {
        expect(db.includes(bytes), `${name} (${label}) in the database`).toBe(false);
      }
    }
    for (const token of tokens) {
      for (const { label, bytes } of forms(keyBytes(token))) {
        expect(db.includes(bytes), `session token (${label}) in the database`).toBe(false);
      }
    }
    // The live session (alice's, after the password change) is stored as the SHA-256 of its token.
    const hashes = tokens.map((tk) => createHash('sha256').update(tk).digest('hex'));
    expect(hashes.some((h) => db.includes(Buffer.from(h)))).toBe(true);
  });

  it('no log line holds a password, key or session token', () => {
    const logs = t.logs.text;
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).toContain('/api/auth/login'); // requests were logged
    const all = { ...secrets, ...Object.fromEntries(tokens.map((tk, i) => [`session token ${i}`, keyBytes(tk)])) };
    for (const [name, secret] of Object.entries(all)) {
      // Raw key bytes are not text: a JSON log line could only hold them in an encoded form, checked here.
      for (const { label, bytes } of forms(secret).filter((f) => f.label !== 'raw')) {
        expect(logs.includes(bytes.toString('utf8')), `${name} (${label}) in the logs`).toBe(false);
      }
    }
  });
});
