/**
 * Shutting down does not wait out keep-alive: a request still being answered when close() begins leaves its
 * connection idle once answered, and the HTTP server's close (which socket.io's close waits for) would wait for it
 * until the keep-alive timeout (72 s); the server closes such a connection once it is answered.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../support/env.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe(`shutdown (${dialect})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a request answered while the server closes does not hold the close for the keep-alive timeout', async () => {
    const { port } = new URL(t.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const answered = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        if (text.includes('\r\n\r\n')) resolve(text);
      });
    });
    const closedByServer = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // A request begun (headers and half its body) before the close: the connection is busy, not idle.
    const body = '{"username":"nobody"}';
    socket.write(
      `POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
    );
    const stopping = t.stop();
    socket.write(body.slice(5));
    // Answered (whatever the answer) on a connection kept alive; then the server ends it and the close completes.
    expect(await answered).toMatch(/^HTTP\/1\.1 \d{3}/);
    await closedByServer;
    await stopping;
    await t.restart();
  }, 20_000);
});
