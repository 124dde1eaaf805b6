import { z } from 'zod';
import { AuthKey } from './auth.js';

/**
 * The user's own account: signing out every other session, deleting the account. Proofs of the password are the
 * same authKey the log-in sends (HKDF of the client's Argon2id output): the server never sees the password.
 */

/** POST /api/auth/sessions/revoke-others: how many other sessions were ended. */
export const RevokeOthersResponse = z.strictObject({ revoked: z.number().int().nonnegative() });
export type RevokeOthersResponse = z.infer<typeof RevokeOthersResponse>;

/** POST /api/account/delete: the password's authKey, proving the person at the keyboard knows it. */
export const DeleteAccountRequest = z.strictObject({ authKey: AuthKey });
export type DeleteAccountRequest = z.infer<typeof DeleteAccountRequest>;
