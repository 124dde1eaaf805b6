import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParleyClient } from '../../src/sdk/index.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { TEST_KDF } from './server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** An SDK client with the test KDF for a server (or a proxy in front of servers) at `baseUrl`. */
export function clientFor(baseUrl: string): ParleyClient {
  return new ParleyClient({ baseUrl, kdf: { ...TEST_KDF }, minKdf: TEST_KDF });
}

/** The real server in its own process (`src/server/main.ts`), so a test can SIGKILL it and start it again. */
export class ServerProcess {
  private child: ChildProcess | undefined;
  output = '';
  private constructor(
    readonly db: TestDatabase,
    readonly port: number,
    private readonly extraEnv: Record<string, string>,
  ) {}

  static async start(extraEnv: Record<string, string> = {}, db?: TestDatabase, port?: number): Promise<ServerProcess> {
    const p = new ServerProcess(db ?? (await createTestDatabase()), port ?? (await freePort()), extraEnv);
    await p.boot();
    return p;
  }

  /** The server process id (for its memory, in benchmarks). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  client(): ParleyClient {
    return clientFor(this.url);
  }

  async boot(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        PARLEY_INSECURE_TEST_KDF: 'true',
        HOST: '127.0.0.1',
        PORT: String(this.port),
        LOG_LEVEL: 'warn',
        SIGNUPS_PER_ADDRESS_PER_HOUR: '10000',
        // Every test logs in from 127.0.0.1, and with Redis the per-address count is shared by all runs for an hour.
        LOGIN_FAILURES_PER_ADDRESS: '10000',
        MESSAGES_PER_CONNECTION_PER_10S: '100000',
        EVENTS_PER_CONNECTION_PER_10S: '100000',
        ...this.db.env,
        ...this.extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited during start:\n${this.output}`);
      const up = await fetch(`${this.url}/api/auth/me`).then(
        (r) => r.status === 401,
        () => false,
      );
      if (up) return;
      if (Date.now() > deadline) throw new Error(`server did not start:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGKILL: no shutdown, no flush — whatever was not committed is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async close(): Promise<void> {
    await this.kill();
    await this.db.drop();
  }
}
