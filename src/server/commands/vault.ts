/**
 * The history vault (see src/protocol/vault.ts). Only the user reads or writes their own keyring and records; a
 * record may be written only for a message of a conversation they are a member of, that they can see (after they
 * joined, up to the newest), and read back only while they are a member. The server never opens any of it.
 */
import type { z } from 'zod';
import type { ListVaultRecordsRequest, PutVaultRecordsRequest, SetVaultKeyRequest, VaultRecordDto } from '../../protocol/vault.js';
import { compareAndSetVaultKey, expiredSeqs, findVaultKey, upsertVaultRecords, vaultRecordSizes, vaultRecords } from '../db/repositories/vault.js';
import { fitPage } from './messages/read-messages.js';
import type { Deps } from '../deps.js';
import { AppError, notFound } from '../errors.js';
import type { Actor } from '../policies/actor.js';
import { accessConversation } from './access.js';
import { assertCanSeeSeq } from '../policies/conversations.js';

export async function getVaultKey(deps: Deps, actor: Actor): Promise<{ version: number; wrappedKeyring: Uint8Array }> {
  const row = await findVaultKey(deps.db, actor.user.id);
  if (!row) throw notFound('You have no vault yet.');
  return { version: Number(row.version), wrappedKeyring: row.wrapped_keyring };
}

export async function setVaultKey(deps: Deps, actor: Actor, input: z.infer<typeof SetVaultKeyRequest>): Promise<{ version: number }> {
  const { expectedVersion, version, wrappedKeyring } = input;
  if (version !== expectedVersion && version !== expectedVersion + 1) {
    throw new AppError('VALIDATION_FAILED', 'The new version must be the expected one (re-wrap) or the next (rotation).');
  }
  const row = { user_id: actor.user.id, version, wrapped_keyring: wrappedKeyring, updated_at: Date.now() };
  if (!(await compareAndSetVaultKey(deps.db, row, expectedVersion))) {
    throw new AppError('CONFLICT', 'Your vault key changed meanwhile (another device): read it again and retry.');
  }
  return { version };
}

export async function putVaultRecords(deps: Deps, actor: Actor, input: z.infer<typeof PutVaultRecordsRequest>): Promise<{ stored: number }> {
  const access = await accessConversation(deps.db, actor, input.conversationId);
  for (const r of input.records) assertCanSeeSeq(access, r.seq);
  const now = Date.now();
  const unique = new Map(input.records.map((r) => [r.seq, r]));
  // A copy of a message that expired (a device that had not heard yet, or an upload under way at the sweep) is not
  // stored: nothing of a disappeared message comes back.
  for (const seq of await expiredSeqs(deps.db, input.conversationId, [...unique.keys()], deps.clock.now())) unique.delete(seq);
  if (unique.size === 0) return { stored: 0 };
  await upsertVaultRecords(deps.db, [...unique.values()].map((r) => ({
    user_id: actor.user.id, conversation_id: input.conversationId, seq: r.seq, key_version: r.keyVersion, body: r.body, updated_at: now,
  })));
  return { stored: unique.size };
}

/** The user's records among `seqs`, in order, capped by bytes like a message page (`hasMore`: ask for the rest). */
export async function listVaultRecords(deps: Deps, actor: Actor, input: z.infer<typeof ListVaultRecordsRequest>): Promise<{ records: VaultRecordDto[]; hasMore: boolean }> {
  await accessConversation(deps.db, actor, input.conversationId);
  // Sizes first (no bodies read), then only the bodies that fit.
  const sizes = await vaultRecordSizes(deps.db, actor.user.id, input.conversationId, [...new Set(input.seqs)]);
  const fits = fitPage(sizes, deps.config.backpressure.pageMaxBytes);
  const seqs = sizes.slice(0, fits).map((r) => Number(r.seq));
  const rows = seqs.length === 0 ? [] : await vaultRecords(deps.db, actor.user.id, input.conversationId, seqs);
  return { records: rows.map((r) => ({ seq: Number(r.seq), keyVersion: Number(r.key_version), body: r.body })), hasMore: fits < sizes.length };
}
