import type { SessionDto } from '../../protocol/auth.js';
import type { SessionRow } from '../db/repositories/sessions.js';

export function presentSession(row: SessionRow, currentSessionId: string, idleMs: number): SessionDto {
  return {
    id: row.id,
    createdAt: new Date(row.created_at).toISOString(),
    lastSeenAt: new Date(row.last_seen_at).toISOString(),
    expiresAt: new Date(Math.min(row.expires_at, row.last_seen_at + idleMs)).toISOString(),
    userAgent: row.user_agent,
    current: row.id === currentSessionId,
  };
}
