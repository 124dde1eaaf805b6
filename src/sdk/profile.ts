/**
 * Profiles only contacts can read (`profile.set`, `profile.get`): the display name and avatar are sealed here under
 * the user's profile key (crypto/profile-crypto.ts) and the server keeps the ciphertext and a version. Which keys this
 * client knows is a `ProfileKeyRing`'s business: the owner's own key, and the keys contacts shared with it.
 */
import { z } from 'zod';
import { ProfileResponse, type ProfileDto } from '../protocol/profiles.js';
import { newProfileKey, openProfile, sealProfile } from './crypto/profile-crypto.js';
import { base64UrlToBytes, bytesToBase64Url } from './encoding.js';
import { ParleyError } from './errors.js';
import type { HttpClient } from './http.js';

export const PROFILE_LIMITS = {
  /** Display name, in characters as people count them (grapheme clusters). */
  displayNameChars: 64,
  /** The avatar once re-encoded (the web makes it 256×256 WebP or JPEG on a canvas). */
  avatarBytes: 64 * 1024,
} as const;

const AVATAR_TYPES = ['image/webp', 'image/jpeg', 'image/png'] as const;

export interface Avatar {
  type: (typeof AVATAR_TYPES)[number];
  bytes: Uint8Array;
}

export interface Profile {
  username: string;
  version: number;
  displayName: string | null;
  avatar: Avatar | null;
}

export interface ProfileChanges {
  /** A new name; null removes it. */
  displayName?: string | null;
  /** A new avatar (already re-encoded small); null removes it. */
  avatar?: Avatar | null;
}

/** The profile keys this client holds: its own (made at the first `set`) and those its contacts shared with it. */
export interface ProfileKeyRing {
  own(): Promise<Uint8Array | undefined>;
  setOwn(key: Uint8Array): Promise<void>;
  of(username: string): Promise<Uint8Array | undefined>;
  /** Gives the key to everyone who may read the profile (MLS: profile-sharing.ts), `except` one user; returns how many conversations. */
  share(key: Uint8Array, except?: string): Promise<number>;
}

/** A ring held in memory (tests, bots). */
export class MemoryProfileKeyRing implements ProfileKeyRing {
  private mine: Uint8Array | undefined;
  private readonly others = new Map<string, Uint8Array>();
  own(): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.mine);
  }
  setOwn(key: Uint8Array): Promise<void> {
    this.mine = key;
    return Promise.resolve();
  }
  of(username: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.others.get(username));
  }
  share(): Promise<number> {
    return Promise.resolve(0);
  }
  /** A key a contact shared with this client. */
  learn(username: string, key: Uint8Array): void {
    this.others.set(username, key);
  }
}

const graphemes = (s: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)].length;

/** A display name as stored: trimmed, 1–64 characters of any script, no control characters. Throws VALIDATION_FAILED. */
export function normalizeDisplayName(value: string): string {
  const name = value.normalize('NFC').trim();
  if (name.length === 0) throw new ParleyError('VALIDATION_FAILED', 'A display name needs at least one character.');
  if (graphemes(name) > PROFILE_LIMITS.displayNameChars) {
    throw new ParleyError('VALIDATION_FAILED', `A display name is at most ${PROFILE_LIMITS.displayNameChars} characters.`);
  }
  if (/\p{Cc}/u.test(name)) throw new ParleyError('VALIDATION_FAILED', 'A display name cannot hold control characters.');
  return name;
}

const Plain = z.strictObject({
  v: z.literal(1),
  displayName: z.string().max(1024).nullable(),
  avatar: z.strictObject({ type: z.enum(AVATAR_TYPES), data: z.string().max(Math.ceil((PROFILE_LIMITS.avatarBytes * 4) / 3)) }).nullable(),
});

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeProfile(p: { displayName: string | null; avatar: Avatar | null }): Uint8Array {
  const avatar = p.avatar ? { type: p.avatar.type, data: bytesToBase64Url(p.avatar.bytes) } : null;
  return encoder.encode(JSON.stringify({ v: 1, displayName: p.displayName, avatar }));
}

export function decodeProfile(bytes: Uint8Array): { displayName: string | null; avatar: Avatar | null } | undefined {
  try {
    const parsed = Plain.safeParse(JSON.parse(decoder.decode(bytes)));
    if (!parsed.success) return undefined;
    const { displayName, avatar } = parsed.data;
    return { displayName, avatar: avatar ? { type: avatar.type, bytes: base64UrlToBytes(avatar.data) } : null };
  } catch {
    return undefined;
  }
}

/** `profile.set` and `profile.get` over the HTTP routes. */
export class ProfileApi {
  constructor(
    private readonly http: () => HttpClient,
    private readonly me: () => { id: string; username: string } | undefined,
    readonly keys: ProfileKeyRing,
  ) {}

  /** The profile of a user this client may read: NOT_FOUND for anyone else (as for a user without a profile). */
  async fetch(username: string): Promise<ProfileDto> {
    return (await this.http().request('GET', `/api/profiles/${encodeURIComponent(username)}`, ProfileResponse)).profile;
  }

  /** A user's profile opened with the key this client holds; name and avatar are null while the key is unknown. */
  async get(username: string): Promise<Profile> {
    const dto = await this.fetch(username);
    const key = await this.keyOf(dto.username);
    const opened = key && openProfile(key, dto.userId, dto.version, base64UrlToBytes(dto.blob));
    const plain = opened && decodeProfile(opened);
    return { username: dto.username, version: dto.version, displayName: plain?.displayName ?? null, avatar: plain?.avatar ?? null };
  }

  /** Changes the own profile: the fields given replace the stored ones; sealed here, stored as the next version. */
  async set(changes: ProfileChanges): Promise<Profile> {
    const me = this.me();
    if (!me) throw new ParleyError('UNAUTHENTICATED', 'Sign in first.');
    const current = await this.get(me.username).catch((e: unknown) => {
      if (e instanceof ParleyError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    });
    const next = {
      displayName: changes.displayName === undefined ? (current?.displayName ?? null) : changes.displayName === null ? null : normalizeDisplayName(changes.displayName),
      avatar: changes.avatar === undefined ? (current?.avatar ?? null) : changes.avatar,
    };
    if (next.avatar && next.avatar.bytes.length > PROFILE_LIMITS.avatarBytes) {
      throw new ParleyError('VALIDATION_FAILED', `The picture is ${next.avatar.bytes.length} bytes once re-encoded: at most ${PROFILE_LIMITS.avatarBytes}.`);
    }
    let key = await this.keys.own();
    const fresh = !key;
    key ??= newProfileKey();
    const profile = await this.store(me.id, key, (current?.version ?? 0) + 1, next);
    if (fresh) {
      await this.keys.setOwn(key);
      await this.keys.share(key);
    }
    return profile;
  }

  /**
   * A new profile key after `username` stopped being a contact (removed or blocked): the profile sealed again under
   * it and the key shared with everyone who still may read it, so the former contact sees no later change.
   */
  async rotate(username: string): Promise<void> {
    const me = this.me();
    if (!me || !(await this.keys.own())) return;
    const current = await this.get(me.username).catch(() => undefined);
    const key = newProfileKey();
    await this.keys.setOwn(key);
    if (current) await this.store(me.id, key, current.version + 1, current);
    await this.keys.share(key, username);
  }

  private async store(userId: string, key: Uint8Array, version: number, p: { displayName: string | null; avatar: Avatar | null }): Promise<Profile> {
    const blob = bytesToBase64Url(sealProfile(key, userId, version, encodeProfile(p)));
    const { profile } = await this.http().request('PUT', '/api/profile', ProfileResponse, { version, blob });
    return { username: profile.username, version: profile.version, displayName: p.displayName, avatar: p.avatar };
  }

  private async keyOf(username: string): Promise<Uint8Array | undefined> {
    return username.toLowerCase() === this.me()?.username.toLowerCase() ? this.keys.own() : this.keys.of(username);
  }
}
