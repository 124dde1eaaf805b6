import type { Generated } from 'kysely';

/** Row types of the database. They never leave db/: presenters turn them into protocol DTOs. */
export interface UsersTable {
  id: string;
  username: string;
  username_key: string;
  kdf_salt: string;
  kdf_memory_kib: number;
  kdf_iterations: number;
  kdf_parallelism: number;
  auth_hash: string;
  created_at: number;
  /** Set by the operator (admin tool): log-in refused, sessions ended. Absent on insert (NULL). */
  suspended_at?: number | null;
  /** The account was deleted; the row stays so the name stays reserved. */
  deleted_at?: number | null;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  user_agent: string | null;
}

export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: number;
}

export interface ContactRequestsTable {
  from_id: string;
  to_id: string;
  created_at: number;
}

export interface ContactsTable {
  user_id: string;
  contact_id: string;
  created_at: number;
}

export interface BlocksTable {
  blocker_id: string;
  blocked_id: string;
  created_at: number;
}

export interface ConversationsTable {
  id: string;
  kind: 'direct' | 'group';
  name: string | null;
  direct_key: string | null;
  last_seq: number;
  created_at: number;
  last_activity_at: number;
  /** Disappearing messages: the timer in seconds, null (or absent on insert): off. */
  disappearing_seconds?: number | null;
}

export interface ConversationMembersTable {
  conversation_id: string;
  user_id: string;
  role: 'owner' | 'admin' | 'member';
  joined_seq: number;
  read_seq: number;
  joined_at: number;
  /** Notifications muted until then (ms); MUTED_FOREVER until turned off; null: not muted. Absent on insert (NULL). */
  muted_until?: number | null;
  /** 1: notify only when mentioned (the server cannot see mentions, so no push at all). Absent on insert (0). */
  mentions_only?: number;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  client_key: string;
  content_type: string;
  body: Uint8Array;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
  /** When the sweep erases it (ms, the server's clock at store time + the conversation's timer); null: never. */
  expires_at?: number | null;
}

/** A user's privacy switches (no row: the defaults, receipts and typing on, no timer). */
export interface PrivacySettingsTable {
  user_id: string;
  read_receipts: number;
  typing_indicators: number;
  default_disappearing_seconds: number | null;
  updated_at: number;
}

export interface IdentitiesTable {
  user_id: string;
  identity_public_key: Uint8Array;
  wrapped_identity_key: Uint8Array;
  key_version: number;
  created_at: number;
  updated_at: number;
}

export interface IdentityKeyHistoryTable {
  user_id: string;
  key_version: number;
  identity_public_key: Uint8Array;
  created_at: number;
}

export interface DevicesTable {
  user_id: string;
  device_id: string;
  certificate: Uint8Array;
  created_at: number;
  revoked_at: number | null;
}

export interface KeyPackagesTable {
  /** base64url KeyPackageRef */
  ref: string;
  user_id: string;
  device_id: string;
  body: Uint8Array;
  /** 1 for the last-resort KeyPackage, 0 for a one-time one (integers: SQLite has no booleans). */
  last_resort: number;
  created_at: number;
  expires_at: number;
  /** One-time: when it was handed out. Last-resort: when a newer one replaced it. */
  taken_at: number | null;
}

export interface MlsGroupsTable {
  conversation_id: string;
  epoch: number;
  group_info: Uint8Array;
  epoch_seq: number;
  created_at: number;
  updated_at: number;
}

export interface WelcomesTable {
  id: string;
  user_id: string;
  device_id: string;
  key_package_ref: string;
  conversation_id: string;
  epoch: number;
  commit_seq: number;
  body: Uint8Array;
  created_at: number;
  delivered_at: number | null;
}

export interface VaultKeysTable {
  user_id: string;
  version: number;
  wrapped_keyring: Uint8Array;
  updated_at: number;
}

export interface VaultRecordsTable {
  user_id: string;
  conversation_id: string;
  seq: number;
  key_version: number;
  body: Uint8Array;
  updated_at: number;
}

export interface BlobsTable {
  id: string;
  uploader_id: string;
  conversation_id: string;
  /** Declared ciphertext size in bytes. */
  size: number;
  /** The conversation's last_seq when the upload began. */
  base_seq: number;
  message_id: string | null;
  message_seq: number | null;
  created_at: number;
  completed_at: number | null;
}

/** PostgreSQL only: a blob's bytes, in pieces keyed by their offset. */
export interface BlobChunksTable {
  blob_id: string;
  offset: number;
  data: Uint8Array;
}

/** An operator's action the running servers must apply to open sockets (polled; see admin/account-signals.ts). */
export interface AccountSignalsTable {
  id: string;
  user_id: string;
  reason: 'suspended' | 'deleted';
  created_at: number;
}

/** A user's recovery key: the hash of its authKey and two sealed boxes the server cannot open. */
/** A profile sealed on the client (display name, avatar) under a key the server never sees. */
export interface ProfilesTable {
  user_id: string;
  version: number;
  blob: Uint8Array;
  updated_at: number;
}

export interface RecoveryKeysTable {
  user_id: string;
  auth_hash: string;
  /** The vaultKey sealed under the recovery key's wrapping secret. */
  escrow: Uint8Array;
  /** The recovery key's wrapping secret sealed under the vaultKey (re-sealing the escrow at a password change). */
  box: Uint8Array;
  created_at: number;
  updated_at: number;
}

/** A browser device's Web Push subscription (RFC 8030 endpoint and RFC 8291 keys), tied to its session. */
export interface PushSubscriptionsTable {
  id: string;
  user_id: string;
  session_id: string;
  endpoint: string;
  /** The subscription's P-256 public key and auth secret, base64url, as the browser gives them. */
  p256dh: string;
  auth: string;
  created_at: number;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  server_secrets: ServerSecretsTable;
  contact_requests: ContactRequestsTable;
  contacts: ContactsTable;
  blocks: BlocksTable;
  conversations: ConversationsTable;
  conversation_members: ConversationMembersTable;
  messages: MessagesTable;
  identities: IdentitiesTable;
  identity_key_history: IdentityKeyHistoryTable;
  devices: DevicesTable;
  key_packages: KeyPackagesTable;
  mls_groups: MlsGroupsTable;
  welcomes: WelcomesTable;
  vault_keys: VaultKeysTable;
  vault_records: VaultRecordsTable;
  blobs: BlobsTable;
  blob_chunks: BlobChunksTable;
  account_signals: AccountSignalsTable;
  recovery_keys: RecoveryKeysTable;
  profiles: ProfilesTable;
  push_subscriptions: PushSubscriptionsTable;
  privacy_settings: PrivacySettingsTable;
}

/** Kept so later tables can use auto-increment ids without touching this import. */
export type { Generated };
