/**
 * What the signed-in pages keep in memory about the user (opened profiles, say) registers its clean-up here; the app
 * runs them all when the user signs out (or is signed out), before anyone else signs in in the same tab.
 */
const cleanups = new Set<() => void>();

export function onSignOut(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

export function runSignOutCleanups(): void {
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // One failing clean-up does not keep the others from running.
    }
  }
}
