import { useEffect, useState } from 'preact/hooks';

const listeners = new Set<() => void>();
/** False until the first client-side navigation: the initial page load does not move focus. */
let navigated = false;

function notify(): void {
  navigated = true;
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', notify);

/** Client-side navigation with the history API; the server answers index.html for every page path. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path !== location.pathname) {
    if (options.replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
  }
  notify();
}

/** The current path; re-renders on navigate() and on back/forward. */
export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, []);
  return path;
}

/** True when the page heading should take focus (after a navigation, not on the first load). */
export function hasNavigated(): boolean {
  return navigated;
}
