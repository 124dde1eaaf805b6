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
}

export interface ConversationMembersTable {
  conversation_id: string;
  user_id: string;
  role: 'owner' | 'admin' | 'member';
  joined_seq: number;
  read_seq: number;
  joined_at: number;
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
}

/** Kept so later tables can use auto-increment ids without touching this import. */
export type { Generated };
