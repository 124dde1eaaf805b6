// The end-to-end layer (MLS via ts-mls, the device's sealed store) runs here, off the page's main thread: the page
// sends it log entries to decode and texts to encrypt; it asks the page for network requests.
// Must stay the first import: zod without its JIT (our CSP has no 'unsafe-eval', in workers too).
import './zod-config.js';
import * as Comlink from 'comlink';
import type { E2eeApi, EngineHost, OpenOptions } from '../sdk/worker.js';
import { E2ee } from '../sdk/worker.js';
import { API_METHODS, HOST_METHODS, envelope, unwrapped, type Enveloped } from './e2ee-bridge.js';
import { IndexedDbStore } from './secret-store.js';

let current: E2ee | undefined;

const api = {} as E2eeApi;
for (const name of API_METHODS) {
  (api as unknown as Record<string, (...args: unknown[]) => unknown>)[name] = (...args: unknown[]) => {
    if (!current) throw new Error('the end-to-end layer is not open');
    return (current[name] as (...a: unknown[]) => unknown).apply(current, args);
  };
}

/** What the worker offers the page: the layer's API, and opening it. */
export interface WorkerEntry extends E2eeApi {
  open(host: Comlink.Remote<Enveloped<EngineHost>>, options: OpenOptions): Promise<string>;
}

const entry: WorkerEntry = {
  ...api,
  async open(host, options) {
    current = await E2ee.open(unwrapped<EngineHost>(host, HOST_METHODS), new IndexedDbStore(), options);
    return current.deviceId;
  },
};

Comlink.expose(envelope(entry, [...API_METHODS, 'open']));
