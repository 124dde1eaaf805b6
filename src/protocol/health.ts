import { z } from 'zod';

/** GET /healthz: the process is up and serving HTTP (liveness). */
export const HealthResponse = z.object({ status: z.literal('ok') });
export type HealthResponse = z.infer<typeof HealthResponse>;

/** What /readyz checks; a failing one is named, nothing more. */
export const ReadinessDependency = z.enum(['database', 'redis']);
export type ReadinessDependency = z.infer<typeof ReadinessDependency>;

/** GET /readyz: 200 `ready` when every dependency answers, 503 `unavailable` with the ones that do not. */
export const ReadinessResponse = z.object({
  status: z.enum(['ready', 'unavailable']),
  failing: z.array(ReadinessDependency),
});
export type ReadinessResponse = z.infer<typeof ReadinessResponse>;
