import { Command, CommanderError } from 'commander';
import { blobStoreFor } from '../blobs/for-config.js';
import { ConfigError, loadConfig } from '../config.js';
import { connectDatabase, migrateToLatest, type Db } from '../db/connect.js';
import { AdminError, deleteUser, listUsers, serverStats, suspendUser, unsuspendUser, type UserSummary } from './operations.js';

/** Exit codes of the admin tool. */
export const ADMIN_EXIT = { ok: 0, failed: 1, usage: 2, noSuchUser: 3, noChange: 4, config: 5 } as const;

export interface AdminIo {
  out(text: string): void;
  err(text: string): void;
}

function usersTable(users: UserSummary[]): string {
  const head = ['name', 'status', 'created', 'last seen', 'devices', 'storage'];
  const rows = users.map((u) => [u.username, u.status, u.createdAt.slice(0, 19), u.lastSeenAt?.slice(0, 19) ?? '-', String(u.devices), `${u.storageBytes} B`]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

/**
 * `npm run admin -- <command>` / `parley-admin <command>`: the operator's tool, run on the server's machine with the
 * server's environment (DATABASE_URL or DATA_DIR). Returns the exit code.
 */
export async function runAdmin(argv: string[], env: Record<string, string | undefined>, io: AdminIo): Promise<number> {
  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`${err.message}\n`);
      return ADMIN_EXIT.config;
    }
    throw err;
  }
  const kind = config.database.kind;
  let db: Db | undefined;
  const open = async () => {
    db = connectDatabase(config.database);
    await migrateToLatest(db);
    return db;
  };
  const json = (v: unknown) => io.out(`${JSON.stringify(v, null, 2)}\n`);

  const program = new Command('parley-admin')
    .description("Operator's tool for a Parley server: accounts and statistics. Never shows message contents (the server has none).")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  program
    .command('users')
    .description('list accounts: name, status, created, last seen, devices, storage used')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const users = await listUsers(await open(), kind);
      if (opts.json) json(users);
      else io.out(`${usersTable(users)}\n`);
    });
  program
    .command('suspend')
    .description('suspend an account: its sessions end at once, its sockets are disconnected, log-in is refused')
    .argument('<username>')
    .action(async (username: string) => {
      const { sessionsEnded } = await suspendUser(await open(), username);
      io.out(`${username} is suspended (${sessionsEnded} session${sessionsEnded === 1 ? '' : 's'} ended).\n`);
    });
  program
    .command('unsuspend')
    .description('lift a suspension: the user can log in again')
    .argument('<username>')
    .action(async (username: string) => {
      await unsuspendUser(await open(), username);
      io.out(`${username} can log in again.\n`);
    });
  program
    .command('delete')
    .description('delete an account (sessions, devices, keys, vault, contacts; leaves groups); the name stays reserved')
    .argument('<username>')
    .requiredOption('--yes', 'confirm: the deletion cannot be undone')
    .action(async (username: string) => {
      const database = await open();
      const { sessionsEnded, groupsLeft } = await deleteUser(database, username, blobStoreFor(config, database));
      io.out(`${username} is deleted (${sessionsEnded} sessions ended, ${groupsLeft} groups left).\n`);
    });
  program
    .command('stats')
    .description('server statistics: accounts, sessions, devices, conversations, message counts and bytes stored')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const stats = await serverStats(await open(), kind);
      if (opts.json) json(stats);
      else {
        io.out(
          [
            `users          ${stats.users.active} active, ${stats.users.suspended} suspended, ${stats.users.deleted} deleted`,
            `sessions       ${stats.sessions}`,
            `devices        ${stats.devices}`,
            `conversations  ${stats.conversations.direct} direct, ${stats.conversations.group} groups`,
            `messages       ${stats.messages.total} (${stats.messages.last24h} in the last 24 h), ${stats.messages.storedBytes} bytes of ciphertext`,
            `vault          ${stats.vaultBytes} bytes`,
          ].join('\n') + '\n',
        );
      }
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return ADMIN_EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? ADMIN_EXIT.ok : ADMIN_EXIT.usage;
    if (err instanceof AdminError) {
      io.err(`${err.message}\n`);
      return err.exitCode;
    }
    io.err(`failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return ADMIN_EXIT.failed;
  } finally {
    await db?.destroy();
  }
}
