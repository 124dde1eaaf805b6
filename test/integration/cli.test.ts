/**
 * The terminal client driven as a user would: in a real terminal (tmux) against a real server. Alice signs up and
 * follows in the CLI (the password typed, never echoed), bob uses the SDK. What she sends is end-to-end encrypted
 * (absent from the server's disk), and her state directory is private and sealed.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStore } from '../../src/cli/state/file-store.js';
import { openStoreKey } from '../../src/cli/state/store-key.js';
import { SESSION_COOKIE } from '../../src/protocol/auth.js';
import type { Message, ParleyClient } from '../../src/sdk/index.js';
import { databaseBytes } from '../support/database.js';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { TMUX, Tmux } from '../support/tmux.js';
import { eventually, inbox, PASSWORDS, signedIn } from '../support/users.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PARLEY = path.join(ROOT, 'bin/parley.mjs');
const hasTmux = fs.existsSync(TMUX);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? [p, ...filesUnder(p)] : [p];
  });
}

describe.skipIf(!hasTmux)(`parley, the terminal client, in a terminal (${dialect})`, () => {
  let t: TestServer;
  let bob: ParleyClient;
  let bobSees: Message[];
  let home: string;
  let env: Record<string, string>;
  const term = new Tmux();
  const password = PASSWORDS.alice ?? '';
  const canary = `cli-canary-${randomBytes(8).toString('hex')}`;
  const reply = `bob-answers-${randomBytes(8).toString('hex')}`;

  /** The CLI as a script runs it: not in a terminal, the password (if any) on stdin. */
  const parley = (args: string[], stdin?: string): Promise<Run> =>
    new Promise((resolve) => {
      const child = execFile(process.execPath, [PARLEY, ...args], { cwd: ROOT, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
      child.stdin?.end(stdin ?? '');
    });

  beforeAll(async () => {
    t = await startTestServer();
    bob = await signedIn(t, 'bob');
    bobSees = inbox(bob);
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cli-'));
    env = { PARLEY_HOME: path.join(home, 'state'), PARLEY_SERVER: t.url, NO_COLOR: '1', PATH: process.env.PATH ?? '' };
  });
  afterAll(async () => {
    term.close();
    bob?.close();
    await t?.close();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('signs alice up in a terminal without echoing her password', { timeout: 60_000 }, async () => {
    term.start('signup', `node ${PARLEY} signup alice`, env, ROOT);
    await term.waitFor('signup', 'Choose a password');
    term.type('signup', password);
    await term.waitFor('signup', 'Type it again');
    term.type('signup', password);
    const screen = await term.waitFor('signup', /\[exit \d+\]/, 30_000);
    expect(screen).toContain('Signed up as alice');
    expect(screen).toContain('[exit 0]');
    expect(screen).not.toContain(password);
    expect(screen).not.toContain(password.slice(0, 6));
  });

  it('befriends bob, sends him an encrypted message, and reads the conversation as JSON', { timeout: 60_000 }, async () => {
    const asked = new Promise<void>((resolve) => bob.on('contact', (c) => c.username === 'alice' && c.state === 'incoming' && resolve()));
    expect((await parley(['contacts', 'request', 'bob'])).code).toBe(0);
    await asked;
    await bob.contacts.accept('alice');
    const list = await parley(['contacts', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ username: 'bob', state: 'accepted' })]);

    const sent = await parley(['send', 'bob', canary, '--password-stdin'], `${password}\n`);
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    await eventually(() => bobSees.some((m) => m.text === canary), 20_000, 'bob to read the canary');
    expect(bobSees.find((m) => m.text === canary)).toMatchObject({ sender: 'alice', encrypted: true, decryptionError: null });
  });

  it('sends a file with --file, encrypted on the device; download saves it byte for byte and never overwrites', { timeout: 60_000 }, async () => {
    const dir = path.join(home, 'files');
    fs.mkdirSync(dir);
    const content = Buffer.concat([Buffer.from(`${canary}-in-a-file\n`), randomBytes(300_000)]);
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(file, content);

    const sent = await parley(['send', 'bob', 'the notes', '--file', file, '--json', '--password-stdin'], `${password}\n`);
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ text: 'the notes', attachments: [{ name: 'notes.txt', type: 'text/plain', size: content.length }] });
    await eventually(() => bobSees.some((m) => m.attachments[0]?.name === 'notes.txt'), 20_000, 'bob to see the file');
    const received = bobSees.find((m) => m.attachments[0]?.name === 'notes.txt');
    if (!received) throw new Error('no file');
    expect(Buffer.from(await bob.attachments.download(received, 0)).equals(content)).toBe(true);

    const out = path.join(dir, 'copy.txt');
    const args = ['download', 'bob', String(received.seq), '--out', out, '--password-stdin'];
    const saved = await parley(args, `${password}\n`);
    expect([saved.code, saved.stderr]).toEqual([0, '']);
    expect(fs.readFileSync(out).equals(content)).toBe(true);
    expect((await parley(args, `${password}\n`)).code).toBe(6); // exists: refused, not overwritten
    expect((await parley(['send', 'bob', '--file', path.join(dir, 'missing.txt'), '--password-stdin'], `${password}\n`)).code).toBe(4);
  });

  it("shows bob's reply live in alice's tail, typed password not echoed", { timeout: 60_000 }, async () => {
    term.start('tail', `node ${PARLEY} tail`, env, ROOT);
    await term.waitFor('tail', 'Password');
    term.type('tail', password);
    await term.waitFor('tail', 'Following every conversation as alice', 30_000);
    const direct = bobSees.find((m) => m.text === canary);
    if (!direct) throw new Error('no conversation');
    // The device is held by the running tail: another process is turned away rather than forking its MLS state.
    const busy = await parley(['send', 'bob', 'not now', '--password-stdin'], `${password}\n`);
    expect(busy.code).toBe(8);
    await bob.messages.send(direct.conversationId, reply);
    const screen = await term.waitFor('tail', `bob: ${reply}`);
    expect(screen).toContain('@bob bob:');
    expect(screen).not.toContain(password);
    term.key('tail', 'C-c');
    await term.waitFor('tail', '[exit 0]');
  });

  it('reads the conversation with --json, and exits with documented codes', { timeout: 120_000 }, async () => {
    const read = await parley(['read', 'bob', '--json', '--password-stdin'], `${password}\n`);
    expect(read.code).toBe(0);
    const messages = JSON.parse(read.stdout) as { sender: string; text: string; encrypted: boolean; attachments: { name: string }[] }[];
    expect(messages.map((m) => [m.sender, m.text, m.attachments.map((a) => a.name)])).toEqual([
      ['alice', canary, []],
      ['alice', 'the notes', ['notes.txt']],
      ['bob', reply, []],
    ]);
    expect(messages.every((m) => m.encrypted)).toBe(true);
    const chats = JSON.parse((await parley(['chats', '--json'])).stdout) as { title: string; unread: number }[];
    expect(chats).toEqual([expect.objectContaining({ title: '@bob', unread: 0 })]);

    const search = await parley(['search', canary.split('-').at(-1) ?? '', '--json', '--password-stdin'], `${password}\n`);
    expect(search.code).toBe(0);
    expect((JSON.parse(search.stdout) as { message: { text: string } }[]).map((h) => h.message.text)).toEqual([canary]);
    const safety = JSON.parse((await parley(['safety', 'bob', '--json', '--password-stdin'], `${password}\n`)).stdout) as { safetyNumber: string };
    expect(safety.safetyNumber).toMatch(/^\d{60}$/);
    const devices = JSON.parse((await parley(['devices', '--json'])).stdout) as { thisDevice: boolean; revokedAt: string | null }[];
    expect(devices).toEqual([expect.objectContaining({ thisDevice: true, revokedAt: null })]);

    expect((await parley(['read', 'nobody', '--password-stdin'], `${password}\n`)).code).toBe(4);
    expect((await parley(['read', 'bob', '--password-stdin'], 'not-the-password\n')).code).toBe(3);
    expect((await parley(['send', 'bob'])).code).toBe(2);
    expect((await parley(['read', 'bob'])).code).toBe(2); // no terminal and no --password-stdin: never a hang
    expect((await parley(['whoami'], undefined)).code).toBe(0);
    const elsewhere = { ...env };
    env = { ...env, PARLEY_HOME: path.join(home, 'empty') };
    expect((await parley(['whoami'])).code).toBe(3);
    env = elsewhere;
  });

  it('chats interactively: typed lines are sent; replies, typing and read receipts show', { timeout: 60_000 }, async () => {
    const direct = bobSees.find((m) => m.text === canary);
    if (!direct) throw new Error('no conversation');
    term.start('chat', `node ${PARLEY} chat bob`, env, ROOT);
    await term.waitFor('chat', 'Password');
    term.type('chat', password);
    await term.waitFor('chat', 'end-to-end encrypted. /quit to leave', 30_000);
    await term.waitFor('chat', `bob: ${reply}`);
    const typed = `typed-in-chat-${randomBytes(4).toString('hex')}`;
    term.type('chat', typed);
    await eventually(() => bobSees.some((m) => m.text === typed), 20_000, 'bob to read the typed line');
    await term.waitFor('chat', `alice: ${typed}`);

    await bob.conversations.typing(direct.conversationId);
    await term.waitFor('chat', 'bob is typing…');
    const last = bobSees.find((m) => m.text === typed);
    await bob.messages.markRead(direct.conversationId, last?.seq ?? 0);
    await term.waitFor('chat', `✓ read by bob (up to #${last?.seq})`);
    await bob.messages.send(direct.conversationId, 'and one more');
    await term.waitFor('chat', 'bob: and one more');
    term.type('chat', '/quit');
    const screen = await term.waitFor('chat', '[exit 0]');
    expect(screen).not.toContain(password);
  });

  it("leaves no plaintext on the server's disk and none in its own private state", async () => {
    const server = Buffer.concat([await databaseBytes(t.db), ...filesUnder(t.db.dataDir).filter((f) => fs.statSync(f).isFile()).map((f) => fs.readFileSync(f))]);
    expect(server.includes(canary)).toBe(false);
    expect(server.includes(reply)).toBe(false);
    expect(server.includes(password)).toBe(false);

    const state = env.PARLEY_HOME ?? '';
    const entries = filesUnder(state);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      const mode = fs.statSync(entry).mode & 0o777;
      expect([entry, mode.toString(8)]).toEqual([entry, fs.statSync(entry).isDirectory() ? '700' : '600']);
    }
    expect((fs.statSync(state).mode & 0o777).toString(8)).toBe('700');
    const disk = Buffer.concat(entries.filter((f) => fs.statSync(f).isFile()).map((f) => fs.readFileSync(f)));
    for (const secret of [canary, reply, password, 'and one more']) expect(disk.includes(secret)).toBe(false);

    // The sealed store opens with the password and holds the device's keys and the texts read; not one 32-byte piece of
    // any of its values is on disk in the clear.
    const dir = path.dirname(entries.find((f) => f.endsWith('store.sealed')) ?? '');
    const store = await FileStore.open(dir, 'alice', await openStoreKey(dir, 'alice', password));
    const device = await store.get('alice/device');
    expect(device?.length).toBeGreaterThan(64);
    const values = [...(store as unknown as { data: Map<string, Uint8Array> }).data.values()].filter((v) => v.length >= 32);
    expect(values.length).toBeGreaterThan(2);
    for (const value of values) {
      const middle = Math.floor((value.length - 32) / 2);
      expect(disk.includes(Buffer.from(value.subarray(middle, middle + 32)))).toBe(false);
    }
    await expect(openStoreKey(dir, 'alice', 'wrong-password-123')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });

  it('logs out: the session ends on the server, the device state stays for the next log-in', { timeout: 60_000 }, async () => {
    const state = env.PARLEY_HOME ?? '';
    const profile = () => JSON.parse(fs.readFileSync(path.join(state, 'profile.json'), 'utf8')) as { session?: string; deviceId?: string };
    const { session: token, deviceId } = profile();
    expect(token).toBeTruthy();
    const me = () => fetch(`${t.url}/api/auth/me`, { headers: { cookie: `${SESSION_COOKIE}=${token}`, origin: t.url } });
    expect((await me()).status).toBe(200);
    expect((await parley(['logout'])).code).toBe(0);
    expect(fs.existsSync(path.join(state, 'profile.json'))).toBe(false);
    expect((await parley(['whoami'])).code).toBe(3);
    expect((await me()).status).toBe(401);
    expect(filesUnder(state).some((f) => f.endsWith('store.sealed'))).toBe(true);

    // Logging in again keeps the same device (its sealed state opened with the password), with a new session.
    expect((await parley(['login', 'alice', '--password-stdin'], `${password}\n`)).code).toBe(0);
    expect(profile().deviceId).toBe(deviceId);
    expect(profile().session).not.toBe(token);
    const read = await parley(['read', 'bob', '-n', '1', '--json', '--password-stdin'], `${password}\n`);
    expect((JSON.parse(read.stdout) as { text: string }[]).map((m) => m.text)).toEqual(['and one more']);
  });
});
