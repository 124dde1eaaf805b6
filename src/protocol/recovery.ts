import { z } from 'zod';
import { AuthKey, KdfParams, Salt, UserDto } from './auth.js';
import { base64UrlBytes, IsoDate, Username } from './common.js';

/**
 * Recovery keys. The key itself (160 random bits, shown once) never leaves the client: from it the client derives a
 * recoveryAuthKey (HKDF, sent, stored by the server only as Argon2id) and a wrapping secret that seals the vaultKey
 * (the escrow). The box is that wrapping secret sealed under the vaultKey, so a password change can re-seal the escrow
 * without the key. The server stores both sealed secrets and can open neither.
 */

/** A 32-byte secret sealed with AES-256-GCM: IV (12) ‖ ciphertext (32) ‖ tag (16). */
export const SealedSecret = base64UrlBytes(60);

/** GET /api/recovery */
export const RecoveryStatusResponse = z.strictObject({
  recovery: z.strictObject({ createdAt: IsoDate, updatedAt: IsoDate, box: SealedSecret }).nullable(),
});
export type RecoveryStatusResponse = z.infer<typeof RecoveryStatusResponse>;

/** PUT /api/recovery: a new recovery key (replacing any earlier one), with a fresh proof of the password. */
export const SetRecoveryRequest = z.strictObject({
  currentAuthKey: AuthKey,
  recoveryAuthKey: AuthKey,
  escrow: SealedSecret,
  box: SealedSecret,
});
export type SetRecoveryRequest = z.infer<typeof SetRecoveryRequest>;

/** POST /api/recovery/reseal: the same key's escrow and box sealed anew (after a password change). */
export const ResealRecoveryRequest = z.strictObject({ currentAuthKey: AuthKey, escrow: SealedSecret, box: SealedSecret });
export type ResealRecoveryRequest = z.infer<typeof ResealRecoveryRequest>;

/** POST /api/auth/recover: a forgotten password replaced with the recovery key's proof. */
export const RecoverRequest = z.strictObject({
  username: Username,
  recoveryAuthKey: AuthKey,
  newSalt: Salt,
  newKdf: KdfParams,
  newAuthKey: AuthKey,
});
export type RecoverRequest = z.infer<typeof RecoverRequest>;

/** Signed in with the new password; the escrow lets the client open its vault and re-wrap it under the new vaultKey. */
export const RecoverResponse = z.strictObject({ user: UserDto, escrow: SealedSecret });
export type RecoverResponse = z.infer<typeof RecoverResponse>;
