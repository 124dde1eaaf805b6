import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as ece from 'http_ece';

/** One POST the stand-in push service received, decrypted with the subscription's private key. */
export interface ReceivedPush {
  subscription: string;
  headers: http.IncomingHttpHeaders;
  /** The encrypted body's length on the wire. */
  bytes: number;
  /** The plaintext, decrypted per RFC 8291 (aes128gcm) by http_ece with the user agent's keys. */
  plaintext: string;
}

/** A browser's side of a subscription: its P-256 key pair and auth secret, and the endpoint it was given. */
export interface StandInSubscription {
  name: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/**
 * A stand-in RFC 8030 push service on loopback: it creates subscriptions (as a browser and its push service would
 * together), accepts `POST /push/<name>` with an aes128gcm body and answers 201 Created, or whatever status was set
 * for that subscription (410 Gone, 503…). Every request is kept, with its payload decrypted.
 */
export class StandInPushService {
  readonly received: ReceivedPush[] = [];
  private readonly keys = new Map<string, { ecdh: crypto.ECDH; auth: string }>();
  private readonly statuses = new Map<string, number[]>();
  private readonly waiters: (() => void)[] = [];
  private server: http.Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const name = /^\/push\/([\w-]+)$/.exec(req.url ?? '')?.[1];
        const key = name ? this.keys.get(name) : undefined;
        if (req.method !== 'POST' || !name || !key) {
          res.writeHead(404).end();
          return;
        }
        const body = Buffer.concat(chunks);
        let plaintext = '';
        try {
          plaintext = ece.decrypt(body, { version: 'aes128gcm', privateKey: key.ecdh, authSecret: key.auth }).toString('utf8');
        } catch (err) {
          plaintext = `<undecryptable: ${String(err)}>`;
        }
        this.received.push({ subscription: name, headers: req.headers, bytes: body.length, plaintext });
        const status = this.statuses.get(name)?.shift() ?? 201;
        res.writeHead(status, status === 201 ? { location: `/message/${crypto.randomUUID()}` } : {}).end();
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A new subscription (what `pushManager.subscribe` returns in a browser). */
  subscribe(name: string): StandInSubscription {
    const ecdh = crypto.createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = crypto.randomBytes(16).toString('base64url');
    this.keys.set(name, { ecdh, auth });
    return { name, endpoint: `${this.url}/push/${name}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth } };
  }

  /** The next requests to this subscription answer these statuses, in order (then 201 again). */
  answer(name: string, ...statuses: number[]): void {
    this.statuses.set(name, statuses);
  }

  for(name: string): ReceivedPush[] {
    return this.received.filter((p) => p.subscription === name);
  }

  /** Resolves once `count` pushes in all have arrived. */
  async waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`stand-in push service: ${this.received.length} pushes, expected ${count}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
