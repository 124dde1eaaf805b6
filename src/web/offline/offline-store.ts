/**
 * What the app keeps for reading offline, sealed in the browser's SecretStore (src/web/sealed-indexeddb.ts: AES-256-GCM
 * under this browser's non-extractable store key, the entry's name as associated data), beside the MLS state:
 * - `offline/last-user`: who was signed in here last (the user's DTO), so a reload without a server opens their pages;
 * - `<username>/offline/snapshot`: the conversation list with previews and unread counts, recent messages, contacts;
 * - `<username>/offline/outbox`: messages written while offline, with their idempotency keys, until stored.
 * Nothing of it is ever written in the clear. Log-out erases all three.
 */
// Must stay the first import: this module brings the SDK (and its schemas) to a page that may not have loaded it yet.
import '../zod-config.js';
import { aesGcmDecrypt, aesGcmEncrypt, newAesGcmKey, type UserDto } from '../../sdk/index.js';
import { SealedIndexedDb } from '../sealed-indexeddb.js';
import type { OfflineSnapshot, OutboxEntry } from './snapshot.js';

const POINTER = 'offline/last-user';
const snapshotName = (username: string) => `${username}/offline/snapshot`;
const outboxName = (username: string) => `${username}/offline/outbox`;

let store: SealedIndexedDb | undefined;
const secrets = () => (store ??= new SealedIndexedDb({ aesGcmDecrypt, aesGcmEncrypt, newAesGcmKey }));

/** Every write and erase, one after the other: an erase at log-out is never overtaken by a save already under way. */
let queue: Promise<unknown> = Promise.resolve();
/** Bumped by an erase: saves asked for before it are dropped. */
let generation = 0;

function serial<T>(task: () => Promise<T>): Promise<T> {
  const next = queue.then(task, task);
  queue = next.catch(() => undefined);
  return next;
}

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

async function read<T>(name: string): Promise<T | undefined> {
  const bytes = await secrets().get(name);
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch {
    return undefined;
  }
}

/** This page was opened without the server (the session probe failed): its signed-in pages start from the snapshot. */
let openedOffline = false;
export const wasOpenedOffline = (): boolean => openedOffline;
export function markOpenedOffline(): void {
  openedOffline = true;
}

/** The user last signed in on this browser, if the app kept anything for them. */
export async function lastUser(): Promise<UserDto | undefined> {
  return read<UserDto>(POINTER);
}

export function readSnapshot(username: string): Promise<OfflineSnapshot | undefined> {
  return read<OfflineSnapshot>(snapshotName(username)).then((s) => (s?.v === 1 ? s : undefined));
}

export async function readOutbox(username: string): Promise<OutboxEntry[]> {
  return (await read<OutboxEntry[]>(outboxName(username))) ?? [];
}

/** Seals the snapshot and the pointer to its user (one transaction). */
export function saveSnapshot(user: UserDto, snapshot: OfflineSnapshot): Promise<void> {
  const asked = generation;
  return serial(async () => {
    if (asked !== generation) return;
    await secrets().write(new Map([[POINTER, encode(user)], [snapshotName(user.username), encode(snapshot)]]));
  });
}

/** Changes the sealed outbox (read, changed, written back in turn with every other write). */
export function updateOutbox(username: string, change: (items: OutboxEntry[]) => OutboxEntry[]): Promise<OutboxEntry[]> {
  const asked = generation;
  return serial(async () => {
    const items = change(await readOutbox(username));
    if (asked !== generation) return items;
    await secrets().write(new Map([[outboxName(username), items.length > 0 ? encode(items) : undefined]]));
    return items;
  });
}

/** Log-out: the pointer, and the snapshot and outbox of whoever it named (and of `username`, when given). */
export function eraseOffline(username?: string): Promise<void> {
  generation += 1;
  return serial(async () => {
    const names = new Set([username, (await lastUser().catch(() => undefined))?.username].filter((n): n is string => n !== undefined));
    const entries = new Map<string, undefined>([[POINTER, undefined]]);
    for (const name of names) {
      entries.set(snapshotName(name), undefined);
      entries.set(outboxName(name), undefined);
    }
    await secrets().write(entries);
  });
}
