/** One typed error for the crypto core. `where` names the function that failed (Signal-Desktop style). */
export type MlsErrorCode =
  /** The message could not be decrypted or authenticated (tampered, corrupted, or not for us). No text is returned. */
  | 'DECRYPT_FAILED'
  /** The message belongs to an epoch whose keys this device has deleted (forward secrecy) or never had. */
  | 'EPOCH_UNAVAILABLE'
  /** A commit or proposal for an epoch older than ours: someone else's commit won; catch up and retry. */
  | 'STALE_COMMIT'
  /** A message for a later epoch than ours: commits are missing; fetch them, or resync by external join. */
  | 'FUTURE_EPOCH'
  /** The authentication service refused a credential (no certificate chaining to the directory's identity key). */
  | 'CREDENTIAL_REJECTED'
  /** The directory could not be asked (network, server): retry later; nothing was decided. */
  | 'DIRECTORY_UNAVAILABLE'
  /** Parley's own membership rules refused a valid MLS change (e.g. an external join by a non-member). */
  | 'POLICY_REJECTED'
  /** Malformed, wrong group, wrong wire format, or refused by MLS validation. */
  | 'INVALID_MESSAGE'
  /** A Welcome that names none of this device's KeyPackages. */
  | 'NO_KEY_PACKAGE'
  /** This device is no longer a member of the group. */
  | 'NOT_A_MEMBER'
  /** A commit of ours awaits the server's verdict; confirm or discard it first. */
  | 'PENDING_COMMIT'
  /** The wrapped identity key could not be opened: wrong vaultKey, wrong user, or tampered bytes. */
  | 'UNWRAP_FAILED'
  | 'BAD_CERTIFICATE'
  | 'BAD_ENCODING';

export class MlsCryptoError extends Error {
  constructor(
    readonly code: MlsErrorCode,
    readonly where: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${where}: ${message}`, options);
    this.name = 'MlsCryptoError';
  }
}

export function isMlsCryptoError(error: unknown, code?: MlsErrorCode): error is MlsCryptoError {
  return error instanceof MlsCryptoError && (code === undefined || error.code === code);
}
