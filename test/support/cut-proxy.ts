import { TcpProxy } from './tcp-proxy.js';

/**
 * A TCP proxy in front of a shared service (PostgreSQL, Redis) that a test can cut and restore, as if the service
 * stopped and came back, without touching the service other tests use. Cutting drops every open connection and
 * refuses new ones; restoring listens again on the same port.
 */
export class CutProxy {
  private proxy: TcpProxy | undefined;
  port = 0;

  constructor(private readonly target: number) {}

  async start(): Promise<void> {
    if (this.proxy) return;
    this.proxy = new TcpProxy([this.target]);
    await this.proxy.listen(this.port);
    this.port = this.proxy.port;
  }

  /** Rewrites a service URL (postgres://…, redis://…) to go through the proxy. */
  route(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  async cut(): Promise<void> {
    const proxy = this.proxy;
    this.proxy = undefined;
    await proxy?.close();
  }

  restore(): Promise<void> {
    return this.start();
  }

  close(): Promise<void> {
    return this.cut();
  }
}
