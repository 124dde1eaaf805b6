import type { ParleyClient } from '../sdk/index.js';

/**
 * The SDK client (with its end-to-end layer) is not part of the first load: the log-in and sign-up pages load it when
 * the user starts filling the form, the signed-in pages before they render.
 */
let loading: Promise<ParleyClient> | undefined;
let loaded: ParleyClient | undefined;

export function getClient(): Promise<ParleyClient> {
  loading ??= import('./client.js').then(
    (module) => (loaded = module.client),
    (err: unknown) => {
      loading = undefined; // a failed download (offline) is tried again next time
      throw err;
    },
  );
  return loading;
}

/** The client if it is already loaded, for clean-up paths that must not load it. */
export function loadedClient(): ParleyClient | undefined {
  return loaded;
}
