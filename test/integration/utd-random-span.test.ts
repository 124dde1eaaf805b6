/**
 * The randomized multi-device run (see utd-random.test.ts) on a second fixed seed: it once found a device's span
 * diverging from the user's other devices after a vault batch was refused (docs/PERFORMANCE.md, "Randomized runs:
 * seeds that failed").
 */
import { describeUtdRun } from '../soak/utd-case.js';

describeUtdRun(451576793);
