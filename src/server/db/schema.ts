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

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  server_secrets: ServerSecretsTable;
}

/** Kept so later tables can use auto-increment ids without touching this import. */
export type { Generated };
