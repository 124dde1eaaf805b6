import { execSync } from 'node:child_process';
import fs from 'node:fs';
import type { ServerProcess } from '../support/process-server.js';

export type FaultKind = 'kill-server' | 'restart-postgres' | 'restart-redis' | 'drop-connections';

const sh = (cmd: string) => execSync(cmd, { stdio: 'pipe', timeout: 60_000 }).toString();

/** Restarts the machine's PostgreSQL cluster (the service our tests run against). */
export function restartPostgres(): void {
  const version = fs.readdirSync('/etc/postgresql')[0];
  if (!version) throw new Error('no PostgreSQL cluster found under /etc/postgresql');
  sh(`pg_ctlcluster --skip-systemctl-redirect ${version} main restart`);
}

/** Stops Redis and starts it again with the machine's start command (it keeps nothing on disk). */
export async function restartRedis(port = 6379): Promise<void> {
  try {
    sh(`redis-cli -p ${port} shutdown nosave`);
  } catch {
    // Already down or closed the connection while shutting down.
  }
  await new Promise((r) => setTimeout(r, 300));
  fs.mkdirSync('/var/lib/redis', { recursive: true });
  fs.mkdirSync('/var/log/redis', { recursive: true });
  sh(
    `redis-server --daemonize yes --bind 127.0.0.1 -::1 --port ${port} --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log`,
  );
  for (let i = 0; i < 50; i++) {
    try {
      if (sh(`redis-cli -p ${port} ping`).includes('PONG')) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('redis did not come back');
}

export async function killServer(server: ServerProcess): Promise<void> {
  await server.kill();
  await new Promise((r) => setTimeout(r, 200));
  await server.boot();
}
