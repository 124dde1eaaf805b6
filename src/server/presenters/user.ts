import type { UserDto } from '../../protocol/auth.js';
import type { UserRow } from '../db/repositories/users.js';

export function presentUser(row: UserRow): UserDto {
  return { id: row.id, username: row.username, createdAt: new Date(row.created_at).toISOString() };
}
