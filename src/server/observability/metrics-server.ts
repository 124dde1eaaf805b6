import http from 'node:http';
import { AggregatorRegistry } from 'prom-client';
import type { Config } from '../config.js';
import { sameSecret } from '../security/tokens.js';
import { registry } from './metrics.js';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** Bearer token check in constant time (both sides hashed to the same length first). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  return sameSecret(match[1], token);
}

/**
 * The metrics listener: its own HTTP server on METRICS_HOST:METRICS_PORT (loopback by default), serving only
 * `GET /metrics` in Prometheus' text format, behind `Authorization: Bearer METRICS_TOKEN` when one is set. The public
 * port never serves metrics. In the cluster primary (`WORKERS` > 1) it answers with the sum over the workers.
 */
export async function startMetricsServer(metrics: NonNullable<Config['metrics']>, aggregate = false): Promise<MetricsServer> {
  const aggregator = aggregate ? new AggregatorRegistry() : undefined;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    if (metrics.token !== undefined && !bearerMatches(req.headers.authorization, metrics.token)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end('Unauthorized\n');
      return;
    }
    const body = aggregator ? aggregator.clusterMetrics() : registry.metrics();
    body.then(
      (text) => res.writeHead(200, { 'content-type': aggregator ? aggregator.contentType : registry.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('Metrics unavailable\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(metrics.port, metrics.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : metrics.port;
  const host = metrics.host.includes(':') ? `[${metrics.host}]` : metrics.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
