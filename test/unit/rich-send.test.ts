import { describe, expect, it } from 'vitest';
import type { AttachmentInput, Attachments } from '../../src/sdk/attachments.js';
import type { AttachmentDescriptor } from '../../src/sdk/content/attachment.js';
import { plainCodec, type Codec } from '../../src/sdk/engine/codec.js';
import { ConversationEngine } from '../../src/sdk/engine/conversation-engine.js';
import { mentionsIn } from '../../src/sdk/engine/rich-send.js';
import { ParleyError, errorCode } from '../../src/sdk/errors.js';
import { toMessage } from '../../src/sdk/message-stream.js';
import { FakeServer } from '../support/fake-transport.js';

const b64 = (n: number) => 'A'.repeat(Math.ceil((32 * 4) / 3) - 1) + String.fromCharCode(65 + n);

/** Files that "upload" at once, counted. */
function fakeFiles() {
  const uploads: AttachmentInput[] = [];
  const files = {
    upload: (_conversationId: string, input: AttachmentInput, options?: { onProgress?: (d: number, t: number) => void }) => {
      uploads.push(input);
      options?.onProgress?.(10, 10);
      const descriptor: AttachmentDescriptor = { blobId: crypto.randomUUID(), key: b64(1), hash: b64(2), name: input.name, type: input.type, size: 3 };
      return Promise.resolve(descriptor);
    },
  } as unknown as Attachments;
  return { files, uploads };
}

/** A codec that says it encrypts (to allow files), encoding what it is given as plain text, counted. */
function countingCodec() {
  const encoded: unknown[] = [];
  const codec: Codec = {
    ...plainCodec,
    encrypted: true,
    encode: (_c, content) => {
      encoded.push(content);
      return Promise.resolve({ contentType: 'text/plain', body: new TextEncoder().encode(JSON.stringify(content)) });
    },
    sent: (dto) => Promise.resolve(toMessage(dto)),
    // As the end-to-end layer's send: encoded again after STALE_EPOCH, under the same key, with the blob ids.
    send: async (conversationId, content, request, transmit) => {
      for (let stale = 0; ; stale++) {
        const payload = await codec.encode(conversationId, content);
        try {
          const dto = await transmit(conversationId, request.clientKey, request.blobIds ? { ...payload, blobIds: request.blobIds } : payload);
          return { message: toMessage(dto), dto, positioned: true };
        } catch (err) {
          if (errorCode(err) !== 'STALE_EPOCH' || stale > 20) throw err;
        }
      }
    },
  };
  return { codec, encoded };
}

describe('a send with files', () => {
  it('uploads each file once; a rebuild after STALE_EPOCH re-encrypts the message only and keeps the blob ids', async () => {
    const server = new FakeServer('alice');
    server.conversation('c');
    const { files, uploads } = fakeFiles();
    const { codec, encoded } = countingCodec();
    const engine = new ConversationEngine({ transport: server, me: () => 'alice', codec: () => Promise.resolve(codec), files });
    await engine.resync();
    // The first attempt finds the group moved on; the second is stored.
    const request = server.request.bind(server);
    let stale = 1;
    server.request = ((event: string, payload: never) => {
      if (event === 'messages:send' && stale-- > 0) {
        server.requests.push({ event, payload });
        return Promise.reject(new ParleyError('STALE_EPOCH', 'The group moved on.'));
      }
      return request(event as never, payload);
    });

    const { stored } = engine.send('c', { text: 'look', attachments: [{ name: 'a.jpg', type: 'image/jpeg', data: new Uint8Array(3) }, { name: 'b.txt', type: 'text/plain', data: new Uint8Array(3) }] });
    await stored;
    expect(uploads.map((u) => u.name)).toEqual(['a.jpg', 'b.txt']);
    expect(encoded).toHaveLength(2);
    const sends = server.requests.filter((r) => r.event === 'messages:send').map((r) => r.payload as { clientKey: string; blobIds?: string[] });
    expect(sends).toHaveLength(2);
    expect(sends[0]?.blobIds).toHaveLength(2);
    expect(sends[1]?.blobIds).toEqual(sends[0]?.blobIds);
    expect(sends[1]?.clientKey).toBe(sends[0]?.clientKey);
  });

  it('a failed send retried by the user does not upload its files again', async () => {
    const server = new FakeServer('alice');
    server.conversation('c');
    const { files, uploads } = fakeFiles();
    const { codec } = countingCodec();
    const engine = new ConversationEngine({ transport: server, me: () => 'alice', codec: () => Promise.resolve(codec), files });
    await engine.resync();
    await engine.open('c');
    server.refuseSends = 'RATE_LIMITED';
    const { localId, stored } = engine.send('c', { attachments: [{ name: 'a.bin', type: 'application/octet-stream', data: new Uint8Array(3) }] });
    await expect(stored).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    const echo = engine.getState().windows.c?.messages.find((m) => m.localId === localId);
    expect(echo).toMatchObject({ status: 'failed', uploads: [{ name: 'a.bin', done: 10, total: 10 }] });
    server.refuseSends = undefined;
    await engine.retry(localId);
    expect(uploads).toHaveLength(1);
    const sends = server.requests.filter((r) => r.event === 'messages:send').map((r) => r.payload as { blobIds?: string[] });
    expect(sends[1]?.blobIds).toEqual(sends[0]?.blobIds);
  });

  it('refuses empty content and files without encryption before anything is queued or uploaded', async () => {
    const server = new FakeServer('alice');
    server.conversation('c');
    const { files, uploads } = fakeFiles();
    const engine = new ConversationEngine({ transport: server, me: () => 'alice', codec: () => Promise.resolve(plainCodec), files });
    await engine.resync();
    expect(() => engine.send('c', { text: '  ' })).toThrow(/needs text or a file/);
    await expect(engine.send('c', { attachments: [{ name: 'x', type: 'text/plain', data: new Uint8Array(1) }] }).stored).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(uploads).toEqual([]);
    await expect(engine.react('m1', '👍')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('mentions', () => {
  it('are the @names of the text that are members, as they spell them, once each', () => {
    expect(mentionsIn('hi @Bob and @carol, @bob again; mail a@bob.example; @dave.', ['alice', 'bob', 'carol'])).toEqual(['bob', 'carol']);
    expect(mentionsIn('@bob.', undefined)).toEqual(['bob']);
  });
});
