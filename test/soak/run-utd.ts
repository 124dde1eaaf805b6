/** One randomized run: the world, N seeded actions, the final check. Shared by the short test and `npm run soak:utd`. */
import { seedFrom } from '../support/seeded.js';
import { check, settle, type UtdReport } from './utd-check.js';
import { World } from './utd-world.js';

export interface UtdRun extends UtdReport {
  seed: number;
  actions: number;
  byKind: Record<string, number>;
  /** Requests that failed during the run (allowed: their outcome is tracked as unknown). */
  failedRequests: number;
  failureSamples: string[];
  seconds: number;
}

/** The seed from PARLEY_UTD_SEED, or a new one (printed, so that a failure can be replayed). */
export const seedFromEnv = (): number => seedFrom('PARLEY_UTD_SEED');

export interface UtdOptions {
  log?: (line: string) => void;
  maxRestarts?: number;
  /** The server in its own process, restarted by SIGKILL (default: in this process, closed and started again). */
  ownProcess?: boolean;
}

export async function runUtd(seed: number, actions: number, { log = () => undefined, maxRestarts, ownProcess }: UtdOptions = {}): Promise<UtdRun> {
  const started = Date.now();
  const world = await World.start(seed, log, maxRestarts, ownProcess);
  try {
    for (let done = 0, tries = 0; done < actions && tries < actions * 5; tries++) {
      if (!(await world.step())) continue;
      done++;
      if (done % 100 === 0) log(`${done} actions (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
    await settle(world);
    const report = await check(world);
    return {
      seed,
      actions,
      byKind: world.counts,
      failedRequests: world.failures.length,
      failureSamples: world.failures.slice(0, 10),
      seconds: (Date.now() - started) / 1000,
      ...report,
    };
  } finally {
    await world.close();
  }
}
