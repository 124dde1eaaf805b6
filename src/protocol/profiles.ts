import { z } from 'zod';
import { Id, IsoDate, Username } from './common.js';

/**
 * Profiles only contacts can read. The client seals its display name and avatar under a random profile key (AEAD,
 * src/sdk/crypto/profile-crypto.ts) and stores the sealed blob here; the key travels to contacts and members of shared
 * conversations only inside MLS (a `profile-key` application message). The server stores and serves ciphertext only.
 */

/** The sealed profile's largest size in bytes (a 256×256 avatar re-encoded small, the name, the AEAD's overhead). */
export const PROFILE_BLOB_MAX_BYTES = 96 * 1024;
const maxChars = Math.ceil((PROFILE_BLOB_MAX_BYTES * 4) / 3);

export const ProfileBlob = z
  .string()
  .min(40)
  .max(maxChars, `the sealed profile must be at most ${PROFILE_BLOB_MAX_BYTES} bytes`)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url without padding');

/** PUT /api/profile: the actor's sealed profile. `version` must be one more than the stored one (1 for the first). */
export const SetProfileRequest = z.strictObject({ version: z.number().int().positive(), blob: ProfileBlob });
export type SetProfileRequest = z.infer<typeof SetProfileRequest>;

export const ProfileDto = z.strictObject({
  userId: Id,
  username: Username,
  version: z.number().int().positive(),
  blob: ProfileBlob,
  updatedAt: IsoDate,
});
export type ProfileDto = z.infer<typeof ProfileDto>;

/** GET /api/profiles/:username (NOT_FOUND for a user who may not read it, exactly as for one without a profile). */
export const ProfileResponse = z.strictObject({ profile: ProfileDto });
export type ProfileResponse = z.infer<typeof ProfileResponse>;

export const ProfileParams = z.strictObject({ username: Username });

/** Socket event `profile`: a profile the user may read changed. Only the id and version: the client fetches it. */
export const ProfileChangedEvent = z.strictObject({ userId: Id, username: Username, version: z.number().int().positive() });
export type ProfileChangedEvent = z.infer<typeof ProfileChangedEvent>;
