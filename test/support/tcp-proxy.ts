import net from 'node:net';

/**
 * A TCP load balancer stand-in: each connection goes to the first backend that accepts it, so when one instance dies,
 * reconnecting clients land on the next — as behind a reverse proxy with health checks.
 */
export class TcpProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly backends: number[]) {
    this.server = net.createServer((client) => {
      this.sockets.add(client);
      client.once('close', () => this.sockets.delete(client));
      this.route(client, 0);
    });
  }

  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private route(client: net.Socket, index: number): void {
    const port = this.backends[index];
    if (port === undefined) {
      client.destroy();
      return;
    }
    client.pause();
    let connected = false;
    const upstream = net.connect(port, '127.0.0.1');
    upstream.once('connect', () => {
      connected = true;
      this.sockets.add(upstream);
      upstream.once('close', () => this.sockets.delete(upstream));
      client.pipe(upstream).pipe(client);
      client.resume();
      upstream.once('close', () => client.destroy());
      client.once('close', () => upstream.destroy());
    });
    upstream.on('error', () => {
      // Refused: try the next backend; dropped after connecting: drop the client too.
      if (!connected) this.route(client, index + 1);
      else client.destroy();
    });
    client.on('error', () => upstream.destroy());
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
