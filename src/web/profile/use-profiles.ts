/**
 * The profiles (display name, avatar) of the people on screen, opened lazily and kept fresh: a user's profile is
 * fetched only once this device holds their profile key (so users without a profile cost no request), and again on
 * the `profile` event (they changed it) and the `profileKey` event (they shared a new key). Avatars are shown through
 * object URLs, revoked when replaced. All of it is forgotten at sign-out (another user may sign in in the same tab).
 */
import { useEffect, useState } from 'preact/hooks';
import type { Profile } from '../../sdk/index.js';
import { client } from '../client.js';
import { onSignOut } from '../sign-out-cleanup.js';

export interface ShownProfile {
  displayName: string | null;
  avatarUrl: string | undefined;
}

interface Entry {
  shown: ShownProfile | undefined;
  /** A load is running; `again` asks for another once it ends (an event arrived meanwhile). */
  loading: boolean;
  again: boolean;
  listeners: Set<() => void>;
}

const entries = new Map<string, Entry>();
const keyOf = (username: string) => username.toLowerCase();
let listening = false;
/** Bumped at sign-out: a load begun before it shows nothing after it. */
let generation = 0;

/** Forgets every opened profile (and revokes the avatars' object URLs). */
export function forgetProfiles(): void {
  generation++;
  for (const e of entries.values()) if (e.shown?.avatarUrl) URL.revokeObjectURL(e.shown.avatarUrl);
  entries.clear();
}
onSignOut(forgetProfiles);
// A test build lets the browser tests see which profiles the page holds.
if (__PARLEY_TEST_BUILD__) (globalThis as { __parleyProfiles?: () => string[] }).__parleyProfiles = () => [...entries.entries()].filter(([, e]) => e.shown).map(([name]) => name);

function entryOf(username: string): Entry {
  let e = entries.get(keyOf(username));
  if (!e) {
    e = { shown: undefined, loading: false, again: false, listeners: new Set() };
    entries.set(keyOf(username), e);
  }
  return e;
}

function show(e: Entry, profile: Profile | undefined): void {
  const before = e.shown?.avatarUrl;
  const avatarUrl = profile?.avatar ? URL.createObjectURL(new Blob([profile.avatar.bytes.slice()], { type: profile.avatar.type })) : undefined;
  e.shown = { displayName: profile?.displayName ?? null, avatarUrl };
  for (const l of e.listeners) l();
  if (before) URL.revokeObjectURL(before);
}

async function hasKey(username: string): Promise<boolean> {
  const keys = client.profile.keys;
  const mine = keyOf(client.user?.username ?? '') === keyOf(username);
  return (await (mine ? keys.own() : keys.of(username)).catch(() => undefined)) !== undefined;
}

async function load(username: string): Promise<void> {
  const e = entryOf(username);
  if (e.loading) {
    e.again = true;
    return;
  }
  e.loading = true;
  const started = generation;
  try {
    if (await hasKey(username)) {
      const profile = await client.profile.get(username);
      if (started === generation) show(e, profile);
    }
  } catch {
    // Not readable (NOT_FOUND) or offline: the user name alone is shown, as before.
  } finally {
    e.loading = false;
  }
  if (e.again && started === generation) {
    e.again = false;
    await load(username);
  }
}

function listen(): void {
  if (listening) return;
  listening = true;
  const changed = (username: string) => {
    if (entries.get(keyOf(username))?.listeners.size) void load(username);
  };
  client.on('profile', (p) => changed(p.username));
  client.on('profileKey', changed);
  // After a reload the end-to-end layer (which holds the keys) opens with the connection: try what is not shown yet.
  client.on('connectionChange', (up) => {
    if (!up) return;
    for (const [name, e] of entries) if (!e.shown && e.listeners.size) void load(name);
  });
}

/** `username`'s display name and avatar URL once known (undefined while unknown or unreadable); updates live. */
export function useProfile(username: string | undefined): ShownProfile | undefined {
  const [, redraw] = useState(0);
  useEffect(() => {
    if (!username) return undefined;
    listen();
    const e = entryOf(username);
    const l = () => redraw((n) => n + 1);
    e.listeners.add(l);
    if (!e.shown) void load(username);
    return () => {
      e.listeners.delete(l);
    };
  }, [username]);
  return username ? entries.get(keyOf(username))?.shown : undefined;
}
