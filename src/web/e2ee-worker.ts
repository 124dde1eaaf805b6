// The end-to-end layer (MLS via ts-mls, the device's sealed store) runs here, off the page's main thread: the page
// sends it log entries to decode and texts to encrypt; it asks the page for network requests.
// Must stay the first import: zod without its JIT (our CSP has no 'unsafe-eval', in workers too).
import './zod-config.js';
import * as Comlink from 'comlink';
import type { E2eeApi, EngineHost, OpenOptions, SearchEvent, SearchSide } from '../sdk/worker.js';
import { openWithSearch, SEARCH_SIDE_METHODS, workerCourier } from '../sdk/worker.js';
import { API_METHODS, HOST_METHODS, envelope, unwrapped, type Enveloped } from './e2ee-bridge.js';
import { IndexedDbStore } from './secret-store.js';

let current: E2eeApi | undefined;
// The device's search index lives here, beside the layer that decodes what it indexes (sealed in the same store).
let search: SearchSide | undefined;

// The vault's uploads ride back to the page in answers (no call into the page for them).
const courier = workerCourier();

const api = {} as E2eeApi;
for (const name of API_METHODS) {
  (api as unknown as Record<string, (...args: unknown[]) => unknown>)[name] = (...args: unknown[]) => {
    if (!current) throw new Error('the end-to-end layer is not open');
    if (name === 'close') courier.close();
    return (current[name] as (...a: unknown[]) => unknown).apply(current, args);
  };
}

const side = {} as SearchSide;
for (const name of SEARCH_SIDE_METHODS) {
  (side as unknown as Record<string, (...args: unknown[]) => unknown>)[name] = (...args: unknown[]) => {
    if (!search) throw new Error('the search index is not open');
    return (search[name] as (...a: unknown[]) => unknown).apply(search, args);
  };
}

/** What the worker offers the page: the layer's API, its search index, and opening them. */
export interface WorkerEntry extends E2eeApi, SearchSide {
  /** `events`: where the search index's progress and changes go. */
  open(host: Comlink.Remote<Enveloped<EngineHost>>, options: OpenOptions, events: (event: SearchEvent) => unknown): Promise<string>;
  /** Does nothing: a call of the page's own for what rides along (the vault's parcels and their receipts). */
  ride(): Promise<void>;
}

const entry: WorkerEntry = {
  ...api,
  ...side,
  async open(host, options, events) {
    const page = unwrapped<EngineHost>(host, HOST_METHODS);
    const request: EngineHost['request'] = (event, payload) =>
      event === 'vault:put' ? (courier.put(payload as never) as never) : page.request(event, payload);
    const opened = await openWithSearch({ ...page, request }, new IndexedDbStore(), options, (e) => {
      // A call into the page (a Comlink proxy): a page that went away is no error here.
      Promise.resolve(events(e)).catch(() => undefined);
    });
    current = opened.api;
    search = opened.search;
    return opened.deviceId;
  },
  ride: () => Promise.resolve(),
};

Comlink.expose(envelope(entry, [...API_METHODS, ...SEARCH_SIDE_METHODS, 'open', 'ride'], courier));
