import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobOkResponse, encryptedFileSize, UploadStatus } from '../../src/protocol/blobs.js';
import { sweepBlobs, UNATTACHED_BLOB_TTL_MS } from '../../src/server/commands/blobs/attach.js';
import { loadConfig } from '../../src/server/config.js';
import { startServer } from '../../src/server/server.js';
import { Attachments } from '../../src/sdk/attachments.js';
import type { HttpClient } from '../../src/sdk/http.js';
import type { AttachmentDescriptor } from '../../src/sdk/content/attachment.js';
import type { ParleyClient } from '../../src/sdk/index.js';
import { dialect } from '../support/env.js';
import { attachmentsOf, httpOf, randomFile, serverHolds } from '../support/files.js';
import type { Realtime } from '../../src/sdk/realtime.js';

/** A client's socket, for requests the SDK does not make (a send naming uploads, until the SDK sends files itself). */
const rtOf = (client: ParleyClient): Realtime => (client as unknown as { realtime: Realtime }).realtime;
import { startTestServer, type TestServer } from '../support/server.js';
import { befriend, signedIn } from '../support/users.js';

const MiB = 1024 * 1024;
const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as { code: string; message: string; status?: number });

describe(`encrypted files (${dialect})`, () => {
  let t: TestServer;
  let alice: ParleyClient, bob: ParleyClient, carol: ParleyClient, dave: ParleyClient;
  let files: Record<'alice' | 'bob' | 'carol' | 'dave', Attachments>;
  let direct: string;
  const plaintext = randomFile(Math.round(2.5 * MiB));
  let sent: AttachmentDescriptor;

  beforeAll(async () => {
    t = await startTestServer({ env: { MAX_FILE_BYTES: String(4 * MiB), USER_QUOTA_BYTES: String(10 * MiB) } });
    [alice, bob, carol, dave] = await Promise.all(
      ['alice', 'bob', 'carol', 'dave'].map((name) => signedIn(t, name, { encryption: 'none' })),
    ) as [ParleyClient, ParleyClient, ParleyClient, ParleyClient];
    files = { alice: attachmentsOf(alice), bob: attachmentsOf(bob), carol: attachmentsOf(carol), dave: attachmentsOf(dave) };
    await befriend(alice, bob);
    await befriend(alice, dave);
    direct = (await alice.conversations.openDirect('bob')).id;
  });
  afterAll(async () => {
    for (const c of [alice, bob, carol, dave]) c.close();
    await t.close();
  });

  const sendWith = async (conversationId: string, descriptor: AttachmentDescriptor) => {
    const message = await alice.messages.send(conversationId, 'a file');
    await files.alice.attach(message.id, [descriptor.blobId]);
    return message;
  };

  it('alice uploads a file in pieces, attaches it to a message, and bob downloads it byte-identical', async () => {
    const progress: number[] = [];
    sent = await files.alice.upload(direct, { name: 'report.pdf', type: 'application/pdf', data: plaintext }, {
      onProgress: (done) => progress.push(done),
    });
    expect(sent).toMatchObject({ name: 'report.pdf', type: 'application/pdf', size: plaintext.length });
    expect(progress.at(-1)).toBe(encryptedFileSize(plaintext.length));
    await sendWith(direct, sent);

    const got = await files.bob.download(sent);
    expect(Buffer.from(got).equals(Buffer.from(plaintext))).toBe(true);
    const streamed: Uint8Array[] = [];
    for await (const piece of files.bob.stream(sent)) streamed.push(piece);
    expect(Buffer.concat(streamed).equals(Buffer.from(plaintext))).toBe(true);
  });

  it('the download is ciphertext as application/octet-stream with nosniff, and serves byte ranges', async () => {
    const whole = await httpOf(bob).binary('GET', `/api/blobs/${sent.blobId}`, {});
    expect(whole.headers.get('content-type')).toBe('application/octet-stream');
    expect(whole.headers.get('x-content-type-options')).toBe('nosniff');
    expect(whole.headers.get('content-disposition')).toBe('attachment');
    const ciphertext = Buffer.from(await whole.arrayBuffer());
    expect(ciphertext.length).toBe(encryptedFileSize(plaintext.length));
    expect(ciphertext.includes(Buffer.from(plaintext.subarray(1000, 1064)))).toBe(false);

    const part = await httpOf(bob).binary('GET', `/api/blobs/${sent.blobId}`, { headers: { range: 'bytes=1048570-1048599' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1048570-1048599/${ciphertext.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(ciphertext.subarray(1048570, 1048600))).toBe(true);
    const bad = await errorOf(httpOf(bob).binary('GET', `/api/blobs/${sent.blobId}`, { headers: { range: `bytes=${ciphertext.length}-` } }));
    expect(bad).toMatchObject({ status: 416 });
  });

  it('a tampered or wrongly announced file is refused with FILE_CORRUPT and no data', async () => {
    const wrongHash = { ...sent, hash: sent.key };
    expect(await errorOf(files.bob.download(wrongHash))).toMatchObject({ code: 'FILE_CORRUPT' });
    const wrongKey = { ...sent, key: sent.hash };
    expect(await errorOf(files.bob.download(wrongKey))).toMatchObject({ code: 'FILE_CORRUPT' });
  });

  it('carol, not a member, gets NOT_FOUND, exactly as for a random id', async () => {
    const hers = await errorOf(files.carol.download(sent));
    const random = await errorOf(files.carol.download({ ...sent, blobId: crypto.randomUUID() }));
    expect(hers).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(random).toMatchObject({ code: hers?.code, message: hers?.message, status: 404 });
    expect(await errorOf(files.carol.status(sent.blobId))).toMatchObject({ code: 'NOT_FOUND' });
    // Nor can she start an upload for a conversation she is not in.
    expect(await errorOf(files.carol.upload(direct, { name: 'x', type: 'text/plain', data: randomFile(10) }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('in a group, a member who joined after the file cannot fetch it; later files they can; a removed member loses access', async () => {
    const group = (await alice.conversations.createGroup('team', ['bob'])).id;
    const early = await files.alice.upload(group, { name: 'early.bin', type: 'application/octet-stream', data: randomFile(70_000) });
    await sendWith(group, early);
    await alice.conversations.addMember(group, 'dave');
    expect(await errorOf(files.dave.download(early))).toMatchObject({ code: 'NOT_FOUND' });
    expect((await files.bob.download(early)).length).toBe(70_000);

    const late = await files.alice.upload(group, { name: 'late.bin', type: 'application/octet-stream', data: randomFile(1000) });
    await sendWith(group, late);
    expect((await files.dave.download(late)).length).toBe(1000);

    await alice.conversations.removeMember(group, 'bob');
    expect(await errorOf(files.bob.download(early))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await errorOf(files.bob.download(late))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('deleting the message ends access and removes the blob from storage at once (no sweep needed)', async () => {
    const doomed = await files.alice.upload(direct, { name: 'gone.bin', type: 'application/octet-stream', data: randomFile(MiB + 5) });
    const message = await sendWith(direct, doomed);
    const store = t.server.deps.blobs;
    expect(await store.size(doomed.blobId)).toBe(encryptedFileSize(MiB + 5));
    await alice.messages.delete(message.id);
    expect(await errorOf(files.bob.download(doomed))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.size(doomed.blobId)).toBe(0);
    const row = await t.server.deps.db.selectFrom('blobs').select('id').where('id', '=', doomed.blobId).executeTakeFirst();
    expect(row).toBeUndefined();
    // The file that is still carried by a message stays.
    expect((await files.bob.download(sent)).length).toBe(plaintext.length);
  });

  it('a send naming its uploads binds them in the same transaction; a retry is harmless; a foreign upload refuses the send and stores nothing', async () => {
    const socketSend = (who: ParleyClient, req: Record<string, unknown>) =>
      rtOf(who).request('messages:send', { conversationId: direct, contentType: 'text/plain', body: new TextEncoder().encode('files'), ...req } as never);
    const file = await files.alice.upload(direct, { name: 'bound.bin', type: 'application/octet-stream', data: randomFile(3000) });
    // Before its message exists, bob cannot read it.
    expect(await errorOf(files.bob.download(file))).toMatchObject({ code: 'NOT_FOUND' });
    const first = (await socketSend(alice, { clientKey: 'bound-file-1', blobIds: [file.blobId] })) as { message: { id: string; seq: number } };
    expect((await files.bob.download(file)).length).toBe(3000);
    const again = (await socketSend(alice, { clientKey: 'bound-file-1', blobIds: [file.blobId] })) as { message: { id: string } };
    expect(again.message.id).toBe(first.message.id);

    // bob names alice's upload: refused as if it did not exist, and no message is stored.
    const other = await files.alice.upload(direct, { name: 'mine.bin', type: 'application/octet-stream', data: randomFile(100) });
    const before = await alice.messages.history(direct, { limit: 1 });
    expect(await errorOf(socketSend(bob, { clientKey: 'stolen-file-1', blobIds: [other.blobId] }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await errorOf(socketSend(bob, { clientKey: 'random-file-1', blobIds: ['00000000-0000-7000-8000-000000000000'] }))).toMatchObject({ code: 'NOT_FOUND' });
    expect((await alice.messages.history(direct, { limit: 1 })).at(-1)?.seq).toBe(before.at(-1)?.seq);
    // The same upload cannot be bound to a second message either.
    expect(await errorOf(socketSend(alice, { clientKey: 'bound-file-2', blobIds: [file.blobId] }))).toMatchObject({ code: 'NOT_FOUND' });
    // A commit cannot carry files.
    expect(await errorOf(socketSend(alice, { clientKey: 'bound-file-3', contentType: 'application/mls-commit', groupInfo: new Uint8Array(4), blobIds: [other.blobId] }))).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('an upload never attached is collected after a day', async () => {
    const stray = await files.alice.upload(direct, { name: 'stray.bin', type: 'text/plain', data: randomFile(2000) });
    const now = Date.now();
    await sweepBlobs(t.server.deps, now);
    expect((await files.alice.status(stray.blobId)).complete).toBe(true);
    await sweepBlobs(t.server.deps, now + UNATTACHED_BLOB_TTL_MS + 60_000);
    expect(await errorOf(files.alice.status(stray.blobId))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await t.server.deps.blobs.size(stray.blobId)).toBe(0);
  });

  it('an upload whose connection drops mid-way resumes from the bytes the server kept', async () => {
    const data = randomFile(3 * MiB);
    const offsets: number[] = [];
    let dropped = false;
    const store = t.server.deps.blobs;
    const dropping: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      const headers = (init?.headers ?? {}) as Record<string, string>;
      if (init?.method === 'PATCH') offsets.push(Number(headers['upload-offset']));
      if (init?.method !== 'PATCH' || dropped) return fetch(input, init);
      dropped = true;
      // Sends part of the body, waits until the server has stored some of it, then breaks the connection.
      const body = init.body as Uint8Array;
      const blobId = url.split('/').at(-1) ?? '';
      const partial = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (controller.desiredSize === null) return;
          controller.enqueue(body.subarray(0, 2 * MiB));
          await waitFor(async () => (await store.size(blobId)) >= MiB);
          controller.error(new Error('connection dropped'));
        },
      });
      return fetch(input, { ...init, body: partial, duplex: 'half' } as RequestInit);
    };
    const flaky = attachmentsOf(alice, dropping);
    const descriptor = await flaky.upload(direct, { name: 'big.bin', type: 'application/octet-stream', data });
    expect(dropped).toBe(true);
    expect(offsets[0]).toBe(0);
    expect(offsets.at(-1)).toBeGreaterThanOrEqual(MiB);
    await sendWith(direct, descriptor);
    expect(Buffer.from(await files.bob.download(descriptor)).equals(Buffer.from(data))).toBe(true);
    // The dropped connection is not logged as a server error.
    expect(t.logs.text).not.toContain('"level":50');
  });

  it('a download cut off mid-way resumes with a Range request from the bytes already received', async () => {
    const ranges: string[] = [];
    let cut = false;
    const cutting: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const headers = (init?.headers ?? {}) as Record<string, string>;
      if (headers.range) ranges.push(headers.range);
      if (init?.method !== 'GET' || headers.range || cut || !res.body) return res;
      cut = true;
      const reader = res.body.getReader();
      let passed = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (passed >= MiB) {
            controller.error(new TypeError('terminated'));
            await reader.cancel();
            return;
          }
          const { done, value } = await reader.read();
          if (done) controller.close();
          else {
            passed += value.length;
            controller.enqueue(value);
          }
        },
      });
      return new Response(body, { status: res.status, headers: res.headers });
    };
    const got = await attachmentsOf(bob, cutting).download(sent);
    expect(cut).toBe(true);
    expect(ranges).toHaveLength(1);
    expect(Number(/^bytes=(\d+)-$/.exec(ranges[0] ?? '')?.[1])).toBeGreaterThanOrEqual(MiB);
    expect(Buffer.from(got).equals(Buffer.from(plaintext))).toBe(true);
  });

  it('a cancelled upload fails with ABORTED and is deleted at once, freeing its quota', async () => {
    const controller = new AbortController();
    async function* slowly() {
      yield await Promise.resolve(randomFile(MiB));
      controller.abort();
      yield randomFile(MiB);
    }
    let blobId: string | undefined;
    const spying: typeof fetch = (input, init) => {
      if (init?.method === 'DELETE') blobId = String(input instanceof Request ? input.url : input).split('/').at(-1);
      return fetch(input, init);
    };
    const error = await errorOf(
      attachmentsOf(alice, spying).upload(direct, { name: 'c.bin', type: 'x', data: slowly(), size: 2 * MiB }, { signal: controller.signal }),
    );
    expect(error).toMatchObject({ code: 'ABORTED' });
    expect(blobId).toBeDefined();
    expect(await errorOf(files.alice.status(blobId ?? ''))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('MAX_FILE_BYTES and USER_QUOTA_BYTES are enforced with clear errors', async () => {
    const daves = (await dave.conversations.openDirect('alice')).id;
    const over = await errorOf(files.dave.upload(daves, { name: 'huge.bin', type: 'x', data: randomFile(4 * MiB + 1) }));
    expect(over).toMatchObject({ code: 'FILE_TOO_LARGE', status: 413, message: 'Files can be at most 4 MiB.' });
    expect((await files.dave.upload(daves, { name: 'max.bin', type: 'x', data: randomFile(4 * MiB) })).size).toBe(4 * MiB);

    const http = httpOf(dave);
    const create = (size: number) => http.request('POST', '/api/blobs', UploadStatus, { conversationId: daves, size });
    const second = await create(encryptedFileSize(4 * MiB));
    const quota = await errorOf(create(encryptedFileSize(3 * MiB)));
    expect(quota).toMatchObject({ code: 'QUOTA_EXCEEDED', status: 413 });
    expect(quota?.message).toMatch(/of your 10 MiB/);

    // Bytes beyond the declared size, at a wrong offset, or not as octet-stream are refused and change nothing.
    const patch = (offset: number, body: Uint8Array, type = 'application/octet-stream') =>
      http.binary('PATCH', `/api/blobs/${second.blobId}`, { headers: { 'content-type': type, 'upload-offset': String(offset) }, body: body as Uint8Array<ArrayBuffer> });
    expect(await errorOf(patch(0, randomFile(second.size + 1)))).toMatchObject({ code: 'FILE_TOO_LARGE' });
    expect(await errorOf(patch(5, randomFile(10)))).toMatchObject({ code: 'CONFLICT' });
    expect(await errorOf(patch(0, randomFile(10), 'text/plain'))).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(await errorOf(http.binary('PATCH', `/api/blobs/${second.blobId}`, { headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(1) }))).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await files.dave.status(second.blobId)).offset).toBe(0);

    // Deleting an unfinished upload frees the quota.
    await http.request('DELETE', `/api/blobs/${second.blobId}`, BlobOkResponse, {});
    expect((await create(encryptedFileSize(3 * MiB))).offset).toBe(0);
  });

  it.skipIf(dialect !== 'postgres')('on PostgreSQL a second instance serves a file the first one stored', async () => {
    const config = loadConfig({ ...t.db.env, NODE_ENV: 'test', PARLEY_INSECURE_TEST_KDF: 'true', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn' });
    const other = await startServer({ ...config, allowedOrigins: [] });
    try {
      const http = httpOf(bob);
      const twin = Object.assign(Object.create(Object.getPrototypeOf(http) as object) as HttpClient, http, {
        baseUrl: other.url,
        origin: new URL(other.url).origin,
      });
      const got = await new Attachments(twin).download(sent);
      expect(Buffer.from(got).equals(Buffer.from(plaintext))).toBe(true);
    } finally {
      await other.close();
    }
  });

  it("no 64-byte run of a file's plaintext is on the server's disk, in its database or its logs; the ciphertext is", async () => {
    const run = plaintext.subarray(1_234_567, 1_234_567 + 64);
    expect(await serverHolds(t.db, run)).toBe(false);
    expect(t.logs.text.includes(Buffer.from(run).toString('hex'))).toBe(false);
    expect(t.logs.text.includes(Buffer.from(run).toString('base64'))).toBe(false);
    const ciphertext = Buffer.from(await (await httpOf(bob).binary('GET', `/api/blobs/${sent.blobId}`, {})).arrayBuffer());
    expect(await serverHolds(t.db, ciphertext.subarray(1_234_567, 1_234_567 + 64))).toBe(true);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
