import { useEffect, useState } from 'preact/hooks';

import type * as PwaModule from './register-sw.js';

type Pwa = typeof PwaModule;

/**
 * Runs `work` once the page has loaded and its main thread is idle; returns a cancel. Registering the service worker
 * (its module, Workbox, then the worker's install, which downloads the whole app shell to precache it) is not part
 * of the first load: started at the first render, it competed with the log-in form for the main thread and the
 * network (bench/first-load.ts).
 */
function afterLoadWhenIdle(work: () => void): () => void {
  let cancelIdle: (() => void) | undefined;
  const schedule = () => {
    if ('requestIdleCallback' in window) {
      const id = requestIdleCallback(work, { timeout: 2000 });
      cancelIdle = () => cancelIdleCallback(id);
    } else {
      // Safari has no requestIdleCallback.
      const id = setTimeout(work, 200);
      cancelIdle = () => clearTimeout(id);
    }
  };
  if (document.readyState === 'complete') schedule();
  else window.addEventListener('load', schedule, { once: true });
  return () => {
    window.removeEventListener('load', schedule);
    cancelIdle?.();
  };
}

/**
 * Registers the service worker once the page has loaded and is idle, and says so when a new version of Parley has
 * been deployed, with a button that switches to it (the page reloads). Never shown for the first installation.
 */
export function UpdatePrompt() {
  const [pwa, setPwa] = useState<Pwa>();
  const [waiting, setWaiting] = useState(false);
  useEffect(() => {
    let off: (() => void) | undefined;
    let live = true;
    const cancel = afterLoadWhenIdle(() => {
      void import('./register-sw.js').then((module) => {
        if (!live) return;
        module.registerServiceWorker();
        off = module.onUpdateWaiting(setWaiting);
        setPwa(module);
      });
    });
    return () => {
      live = false;
      cancel();
      off?.();
    };
  }, []);
  if (!waiting || !pwa) return null;
  return (
    <aside class="update-prompt" role="status" aria-label="Update">
      <span>A new version of Parley is available.</span>
      <button type="button" class="button button-primary" onClick={() => pwa.applyUpdate()}>
        Reload to update
      </button>
    </aside>
  );
}
