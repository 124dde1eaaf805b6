import type { Logger } from 'pino';
import type { Db } from '../db/connect.js';
import { accountSignalsSince } from '../db/repositories/accounts.js';
import type { ParleyIo } from '../realtime/io.js';
import { userRoom } from '../realtime/rooms.js';

/** How often a running server looks for operator actions, and how far back. */
const POLL_MS = 500;
const WINDOW_MS = 120_000;

/**
 * The operator's tool changes the database from another process; this is how the running servers hear of it. Every
 * POLL_MS each server reads the signals of the last two minutes and, for each one it has not applied, tells the
 * account's sockets on this process (`session:revoked` with the reason, then disconnect). Every instance polls, so
 * each disconnects its own sockets (`io.local`), with or without Redis. The sessions themselves were already deleted
 * by the tool, and `authenticate` refuses a suspended or deleted account, so nothing depends on the poll but speed.
 */
export function watchAccountSignals(db: Db, io: ParleyIo, log: Logger): () => void {
  const applied = new Map<string, number>();
  let running = false;
  const poll = async () => {
    const now = Date.now();
    const rows = await accountSignalsSince(db, now - WINDOW_MS);
    for (const row of rows) {
      if (applied.has(row.id)) continue;
      applied.set(row.id, Number(row.created_at));
      const room = io.local.in(userRoom(row.user_id));
      room.emit('session:revoked', { reason: row.reason });
      room.disconnectSockets(true);
    }
    for (const [id, at] of applied) if (at < now - 2 * WINDOW_MS) applied.delete(id);
  };
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    poll()
      .catch((err: unknown) => log.warn({ err }, 'account signal poll failed'))
      .finally(() => {
        running = false;
      });
  }, POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
