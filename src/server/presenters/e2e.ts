import type { DeviceDto, IdentityDto, WelcomeDto } from '../../protocol/e2e.js';
import type { DeviceRow, IdentityRow } from '../db/repositories/directory.js';
import type { WelcomeRow } from '../db/repositories/mls-groups.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** Binary values in JSON fields (keys, refs) are base64url without padding. */
export const toBase64Url = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
export const fromBase64Url = (text: string) => new Uint8Array(Buffer.from(text, 'base64url'));

/** The public part only: the wrapped private key is given back solely by identity:get, to its owner. */
export function presentIdentity(row: IdentityRow): IdentityDto {
  return { identityKey: toBase64Url(row.identity_public_key), version: row.key_version, updatedAt: iso(row.updated_at) };
}

export function presentDevice(row: DeviceRow): DeviceDto {
  return {
    deviceId: row.device_id,
    certificate: row.certificate,
    createdAt: iso(row.created_at),
    revokedAt: row.revoked_at === null ? null : iso(row.revoked_at),
  };
}

export function presentWelcome(row: WelcomeRow): WelcomeDto {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    deviceId: row.device_id,
    keyPackageRef: row.key_package_ref,
    epoch: Number(row.epoch),
    commitSeq: row.commit_seq,
    body: row.body,
    createdAt: iso(row.created_at),
  };
}
