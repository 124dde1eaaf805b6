import { z } from 'zod';

// Imported first by main.tsx, before any schema exists: zod's JIT probes `new Function` once, which our CSP (no
// 'unsafe-eval') blocks and reports as a violation. Schemas built after this use the interpreter instead.
z.config({ jitless: true });
