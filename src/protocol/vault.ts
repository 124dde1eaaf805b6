import { z } from 'zod';
import { Id } from './common.js';
import { binary } from './e2e.js';

/**
 * The history vault: each user's readable history, encrypted in their clients under a random vault key that only
 * their clients hold (the server keeps it wrapped under a key derived from the password's vaultKey). A new browser
 * reads the full history from here. The server stores opaque bytes and checks only who may write where.
 */

/** Records per `vault:put` (socket.io's server parser takes at most 10 binary attachments per event). */
export const MAX_VAULT_RECORDS_PER_PUT = 8;
/** Records per `vault:list`. */
export const MAX_VAULT_RECORDS_PER_LIST = 100;
/** One record: a message's text and details, sealed (AES-256-GCM), at most 64 KiB + room for the envelope. */
export const MAX_VAULT_RECORD_BYTES = 66 * 1024;

const Seq = z.number().int().positive();
const KeyVersion = z.number().int().positive();

export const VaultKeyResponse = z.strictObject({
  /** The keyring's version: +1 at every rotation. */
  version: KeyVersion,
  /** The keyring (every vault key version), sealed under a key derived from the vaultKey. The server cannot open it. */
  wrappedKeyring: binary(8 * 1024),
});
export const SetVaultKeyRequest = z.strictObject({
  /** The version the client last read (0: none yet). Refused with CONFLICT if the stored one differs. */
  expectedVersion: z.number().int().nonnegative(),
  /** expectedVersion (the same keys wrapped anew, after a password change) or expectedVersion + 1 (a rotation). */
  version: KeyVersion,
  wrappedKeyring: binary(8 * 1024),
});

export const VaultRecordDto = z.strictObject({
  seq: Seq,
  /** Which vault key version sealed it. */
  keyVersion: KeyVersion,
  body: binary(MAX_VAULT_RECORD_BYTES),
});
export type VaultRecordDto = z.infer<typeof VaultRecordDto>;

export const PutVaultRecordsRequest = z.strictObject({
  conversationId: Id,
  records: z.array(VaultRecordDto).min(1).max(MAX_VAULT_RECORDS_PER_PUT),
});
export const PutVaultRecordsResponse = z.strictObject({ stored: z.number().int().nonnegative() });

export const ListVaultRecordsRequest = z.strictObject({
  conversationId: Id,
  seqs: z.array(Seq).min(1).max(MAX_VAULT_RECORDS_PER_LIST),
});
/**
 * The records the user holds among the requested seqs, in order, at most `PAGE_MAX_KIB` of bodies (at least one).
 * `hasMore`: the answer stopped early for size; it covers the requested seqs up to its last record's, and the client
 * asks again for the requested seqs after that one.
 */
export const ListVaultRecordsResponse = z.strictObject({ records: z.array(VaultRecordDto), hasMore: z.boolean() });
