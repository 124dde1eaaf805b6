import { useEffect, useState } from 'preact/hooks';

import type * as PwaModule from './register-sw.js';

type Pwa = typeof PwaModule;

/**
 * Registers the service worker once the page has rendered, and says so when a new version of Parley has been
 * deployed, with a button that switches to it (the page reloads). Never shown for the first installation.
 */
export function UpdatePrompt() {
  const [pwa, setPwa] = useState<Pwa>();
  const [waiting, setWaiting] = useState(false);
  useEffect(() => {
    let off: (() => void) | undefined;
    let live = true;
    void import('./register-sw.js').then((module) => {
      if (!live) return;
      module.registerServiceWorker();
      off = module.onUpdateWaiting(setWaiting);
      setPwa(module);
    });
    return () => {
      live = false;
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
