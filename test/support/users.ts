import type { MessageDto } from '../../src/protocol/messages.js';
import type { ParleyClient, ParleyClientOptions, Message } from '../../src/sdk/index.js';
import { realtimeOf } from './e2ee.js';
import type { TestServer } from './server.js';

export const PASSWORDS: Record<string, string> = {
  alice: 'violet-harbor-lantern-93',
  bob: 'quartz-meadow-circuit-58',
  carol: 'amber-falcon-river-204',
};

/** A signed-up, connected client for `username` (alice, bob, carol, or any name with a derived password). */
export async function signedIn(t: TestServer, username: string, options?: Partial<ParleyClientOptions>): Promise<ParleyClient> {
  const client = t.client(options);
  await client.signup(username, PASSWORDS[username] ?? `${username}-harbor-lantern-93`);
  await client.connect();
  return client;
}

/** Makes two connected clients contacts (request + accept). */
export async function befriend(a: ParleyClient, b: ParleyClient): Promise<void> {
  const bName = b.user?.username;
  const aName = a.user?.username;
  if (!aName || !bName) throw new Error('befriend: clients must be signed in');
  await a.contacts.request(bName);
  await b.contacts.accept(aName);
}

/** Collects the messages a client's `message` handler receives. */
export function inbox(client: ParleyClient): Message[] {
  const received: Message[] = [];
  client.on('message', (m) => received.push(m));
  return received;
}

/**
 * Collects the `message` events as they arrive on a client's connection, before any decoding: what the server sent
 * it, in order (a marker seen here means everything the server sent before it on this connection arrived too).
 */
export function wireMessages(client: ParleyClient): MessageDto[] {
  const socket = realtimeOf(client).socket;
  if (!socket) throw new Error('wireMessages: connect the client first');
  const received: MessageDto[] = [];
  socket.on('message', ({ message }) => received.push(message));
  return received;
}

/** Waits until `predicate` holds, polling; fails after `timeoutMs`. */
export async function eventually(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
