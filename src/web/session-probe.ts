import { ParleyError } from '../sdk/errors.js';

/**
 * The answer of GET /api/auth/session, not yet parsed: the first load carries no schema library, so it only tells
 * "signed out" (`user: null`) from the rest; a signed-in answer is parsed by its protocol schema (SessionProbeResponse)
 * in the signed-in chunk before anything uses it.
 */
export type SessionProbe = { signedIn: false } | { signedIn: true; answer: unknown };

/**
 * Who this browser is signed in as, without loading the SDK: the first request of every page load (index.html
 * preloads it). GET /api/auth/session answers 200 either way, so a signed-out page logs no 401.
 */
export async function probeSession(): Promise<SessionProbe> {
  let res: Response;
  try {
    // Matches the page's <link rel="preload" as="fetch" crossorigin="anonymous">: same URL, mode and credentials.
    res = await fetch('/api/auth/session', { credentials: 'same-origin' });
  } catch {
    throw new ParleyError('NETWORK', 'Could not reach the Parley server.');
  }
  if (!res.ok) throw new ParleyError(res.status >= 500 ? 'INTERNAL' : 'BAD_RESPONSE', `The server answered ${res.status}.`, res.status);
  const answer: unknown = await res.json().catch(() => undefined);
  if (typeof answer === 'object' && answer !== null && 'user' in answer && answer.user === null) return { signedIn: false };
  return { signedIn: true, answer };
}
