import { z } from 'zod';
import { base64UrlBytes, Id, IsoDate, Username } from './common.js';

/**
 * End-to-end encryption (MLS, RFC 9420): the directory (identity keys, devices, KeyPackages) and the delivery service
 * (GroupInfo, Welcomes). Commits and application messages themselves travel as messages (`messages:send`) with the
 * content types below, so they share the conversation's numbered log with its exactly-once, in-order delivery.
 */

/** A commit (MLS PublicMessage): the server checks it and moves the group to the next epoch. */
export const MLS_COMMIT = 'application/mls-commit';
/** An application message (MLS PrivateMessage): the server reads its group and epoch, nothing else. */
export const MLS_PRIVATE = 'application/mls-private';
/**
 * An application message no one is to be notified of (MLS PrivateMessage like the one above): the sender's hint that
 * it shows nothing in the conversation (a profile key), so it does not count as unread nor make a push notification.
 * The server handles it exactly as an application message otherwise; see docs/SECURITY.md ("Silent messages").
 */
export const MLS_SILENT = 'application/mls-silent';
/** Every content type under this prefix is reserved for MLS; only the three above may be sent. */
export const MLS_CONTENT_PREFIX = 'application/mls-';

/** An MLS application message, shown or silent. */
export const isMlsApplication = (contentType: string): boolean => contentType === MLS_PRIVATE || contentType === MLS_SILENT;

/** Any MLS object (KeyPackage, GroupInfo, Welcome, commit), in bytes: one socket.io binary attachment. */
export const MAX_MLS_BYTES = 64 * 1024;
/** A user's devices that are not revoked. */
export const MAX_DEVICES_PER_USER = 10;
/** KeyPackages per `keyPackages:publish` (socket.io's server parser takes at most 10 binary attachments per event). */
export const MAX_KEY_PACKAGES_PER_PUBLISH = 8;
/** One-time KeyPackages a device may have waiting on the server. */
export const MAX_WAITING_KEY_PACKAGES = 100;
/** User names per `keyPackages:claim`. */
export const MAX_CLAIM_USERS = 32;

/** Opaque bytes as a socket.io binary attachment (Buffer in Node, ArrayBuffer in the browser), at most `max` bytes. */
export function binary(max: number) {
  return z
    .union([
      z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be bytes'),
      z.custom<ArrayBuffer>((v) => v instanceof ArrayBuffer, 'must be bytes'),
    ])
    .transform((b): Uint8Array => (b instanceof Uint8Array ? b : new Uint8Array(b)))
    .refine((b) => b.byteLength >= 1 && b.byteLength <= max, `must be 1 to ${max} bytes`);
}

const MlsBytes = binary(MAX_MLS_BYTES);
const SmallBytes = binary(1024);

/** A device's id, chosen by its client: 1–64 characters of A-Z a-z 0-9 _ -. */
export const DeviceId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'device id must be 1–64 characters of A-Z a-z 0-9 _ -');
/** A user's identity public key (Ed25519, 32 bytes), base64url. */
export const IdentityKey = base64UrlBytes(32);
/** A KeyPackageRef (RFC 9420 §5.2; SHA-256 in our ciphersuite, 32 bytes), base64url. */
export const KeyPackageRef = base64UrlBytes(32);
export const Epoch = z.number().int().nonnegative();
const Seq = z.number().int().nonnegative();

// ---- identities ----

export const IdentityDto = z.strictObject({
  identityKey: IdentityKey,
  /** 1 for the first key; +1 every time the user replaces it with another key. */
  version: z.number().int().positive(),
  updatedAt: IsoDate,
});
export type IdentityDto = z.infer<typeof IdentityDto>;
export const PublishIdentityRequest = z.strictObject({
  identityKey: IdentityKey,
  /** The identity private key wrapped under a key derived from the vaultKey. The server cannot open it. */
  wrappedKey: SmallBytes,
});
export const IdentityResponse = z.strictObject({ identity: IdentityDto });
export const GetIdentityResponse = z.strictObject({ identity: IdentityDto, wrappedKey: SmallBytes });

// ---- devices ----

export const DeviceDto = z.strictObject({
  deviceId: DeviceId,
  /** The device certificate (Parley encoding), signed by the user's identity key. */
  certificate: SmallBytes,
  createdAt: IsoDate,
  revokedAt: IsoDate.nullable(),
});
export type DeviceDto = z.infer<typeof DeviceDto>;
export const RegisterDeviceRequest = z.strictObject({ deviceId: DeviceId, certificate: SmallBytes });
export const DeviceIdRequest = z.strictObject({ deviceId: DeviceId });
export const DeviceResponse = z.strictObject({ device: DeviceDto });
export const ListDevicesRequest = z.strictObject({ username: Username.optional() });
export const DevicesResponse = z.strictObject({ username: Username, devices: z.array(DeviceDto) });

export const DirectoryLookupRequest = z.strictObject({ username: Username });
export const DirectoryEntry = z.strictObject({
  username: Username,
  identity: IdentityDto,
  /** The user's devices that are not revoked. */
  devices: z.array(z.strictObject({ deviceId: DeviceId, certificate: SmallBytes })),
});
export type DirectoryEntry = z.infer<typeof DirectoryEntry>;

// ---- KeyPackages ----

export const PublishKeyPackagesRequest = z.strictObject({
  deviceId: DeviceId,
  keyPackages: z
    .array(z.strictObject({ ref: KeyPackageRef, body: MlsBytes, lastResort: z.boolean() }))
    .min(1)
    .max(MAX_KEY_PACKAGES_PER_PUBLISH)
    .refine((kps) => kps.filter((k) => k.lastResort).length <= 1, 'at most one last-resort KeyPackage'),
});
export const PublishKeyPackagesResponse = z.strictObject({
  /** One-time KeyPackages of this device waiting on the server. */
  waiting: z.number().int().nonnegative(),
  /** Whether the device has a last-resort KeyPackage on the server. */
  lastResort: z.boolean(),
});
export const ClaimKeyPackagesRequest = z.strictObject({
  usernames: z.array(Username).min(1).max(MAX_CLAIM_USERS),
  /** Only these devices of those users (e.g. the ones missing from a group); default: every device. */
  devices: z
    .array(z.strictObject({ username: Username, deviceId: DeviceId }))
    .max(MAX_CLAIM_USERS * MAX_DEVICES_PER_USER)
    .optional(),
});
export const ClaimedKeyPackage = z.strictObject({
  username: Username,
  deviceId: DeviceId,
  ref: KeyPackageRef,
  body: MlsBytes,
  lastResort: z.boolean(),
});
export type ClaimedKeyPackage = z.infer<typeof ClaimedKeyPackage>;
export const ClaimKeyPackagesResponse = z.strictObject({
  keyPackages: z.array(ClaimedKeyPackage),
  /** Devices with no KeyPackage left at all (not even a last-resort one): they cannot be added now. */
  missing: z.array(z.strictObject({ username: Username, deviceId: DeviceId })),
});

// ---- groups and Welcomes ----

export const MlsInitRequest = z.strictObject({ conversationId: Id, groupInfo: MlsBytes });
export const GroupInfoRequest = z.strictObject({ conversationId: Id });
export const GroupStateResponse = z.strictObject({
  conversationId: Id,
  epoch: Epoch,
  /** The log position where this epoch began: read the conversation's messages after it. */
  seq: Seq,
});
export const GroupInfoResponse = GroupStateResponse.extend({ groupInfo: MlsBytes });

export const WelcomeDto = z.strictObject({
  id: Id,
  conversationId: Id,
  deviceId: DeviceId,
  keyPackageRef: KeyPackageRef,
  /** The epoch the Welcome joins. */
  epoch: Epoch,
  /** The sequence number of the commit that added the device: the new member reads the log after it. */
  commitSeq: Seq,
  body: MlsBytes,
  createdAt: IsoDate,
});
export type WelcomeDto = z.infer<typeof WelcomeDto>;
export const WelcomesRequest = z.strictObject({ deviceId: DeviceId });
export const WelcomesResponse = z.strictObject({ welcomes: z.array(WelcomeDto) });
export const AckWelcomesRequest = z.strictObject({ deviceId: DeviceId, ids: z.array(Id).min(1).max(100) });
export const WelcomeEvent = z.strictObject({ welcome: WelcomeDto });
