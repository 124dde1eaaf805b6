/**
 * A seeded pseudo-random generator (mulberry32) for tests and benchmarks, so that a run can be replayed from its
 * seed. Test data only: never for keys, tokens or anything secret (those use crypto.getRandomValues).
 */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed from the environment variable `name` (to replay a run), or a fresh random one. */
export function seedFrom(name: string): number {
  const fromEnv = process.env[name];
  return fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : Math.floor(Math.random() * 2 ** 31);
}
