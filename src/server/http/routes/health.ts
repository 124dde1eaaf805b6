import type { FastifyInstance } from 'fastify';
import { HealthResponse, ReadinessResponse, type ReadinessDependency } from '../../../protocol/health.js';
import { publicRoute } from '../routing.js';

/**
 * Probes for a load balancer or orchestrator, without authentication and without detail: `/healthz` says the process
 * serves HTTP; `/readyz` says whether the database (and Redis, when configured) answer, naming only which do not.
 */
export function registerHealthRoutes(app: FastifyInstance, ready: () => Promise<ReadinessDependency[]>): void {
  publicRoute(app, { method: 'GET', url: '/healthz', response: HealthResponse }, () => Promise.resolve({ status: 'ok' as const }));
  publicRoute(app, { method: 'GET', url: '/readyz', response: ReadinessResponse }, async ({ reply }) => {
    const failing = await ready();
    void reply.code(failing.length === 0 ? 200 : 503).header('cache-control', 'no-store');
    return { status: failing.length === 0 ? ('ready' as const) : ('unavailable' as const), failing };
  });
}
