/**
 * Who is online: a count of connected sockets per user. In memory for one instance; the scale-out work moves the
 * counts to Redis behind this same interface.
 */
export interface Presence {
  isOnline(userId: string): boolean;
  /** Returns true when this is the user's first connection (they just came online). */
  connected(userId: string): boolean;
  /** Returns true when this was the user's last connection (they just went offline). */
  disconnected(userId: string): boolean;
}

export function memoryPresence(): Presence {
  const counts = new Map<string, number>();
  return {
    isOnline: (userId) => (counts.get(userId) ?? 0) > 0,
    connected(userId) {
      const n = (counts.get(userId) ?? 0) + 1;
      counts.set(userId, n);
      return n === 1;
    },
    disconnected(userId) {
      const n = (counts.get(userId) ?? 1) - 1;
      if (n <= 0) counts.delete(userId);
      else counts.set(userId, n);
      return n <= 0;
    },
  };
}
