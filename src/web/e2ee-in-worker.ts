/** Opens the client's end-to-end layer in a dedicated Web Worker (one per connected client). */
import * as Comlink from 'comlink';
import type { E2eeApi, EngineHost, OpenE2ee, RemoteSearch, SearchEvent, SearchSide } from '../sdk/index.js';
import { SEARCH_SIDE_METHODS, deferringRecords, pageCourier } from '../sdk/index.js';
import { API_METHODS, HOST_METHODS, crossings, envelope, unwrapped, type Enveloped } from './e2ee-bridge.js';
import type { WorkerEntry } from './e2ee-worker.js';

// The test build lets a benchmark read how often the page and the worker call each other.
if (__PARLEY_TEST_BUILD__) (globalThis as { __parleyCrossings?: typeof crossings }).__parleyCrossings = crossings;

export const openE2eeInWorker: OpenE2ee = async (host, options) => {
  const worker = new Worker(new URL('./e2ee-worker.ts', import.meta.url), { type: 'module', name: 'parley-e2ee' });
  const remote = Comlink.wrap<Enveloped<WorkerEntry>>(worker);
  // The vault's copies the worker sealed come back with answers; the page stores them on its socket, and the
  // receipts go with its next call (or with one of its own after a pause).
  const courier = pageCourier(
    async (put) => {
      await host.request('vault:put', put);
    },
    () => entry.ride(),
  );
  const entry = unwrapped<WorkerEntry>(remote, [...API_METHODS, 'open', 'ride'], courier);
  // The search index lives in the worker too: its progress and changes come back through this callback.
  let listener: ((event: SearchEvent) => void) | undefined;
  const events = Comlink.proxy((event: SearchEvent) => listener?.(event));
  try {
    const deviceId = await entry.open(
      Comlink.proxy(envelope<EngineHost>(host, HOST_METHODS)) as unknown as Comlink.Remote<Enveloped<EngineHost>>,
      options,
      events,
    );
    // A send is one call and its answer: what the worker keeps of a stored send rides with the next call.
    const deferring = deferringRecords({
      ...entry,
      close: async () => {
        await entry.close().catch(() => undefined);
        worker.terminate();
      },
    });
    // A query sees the messages just sent: their records go over first.
    const side = unwrapped<SearchSide>(remote, SEARCH_SIDE_METHODS, courier);
    const flushed = {} as SearchSide;
    for (const name of SEARCH_SIDE_METHODS) {
      (flushed as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name] = async (...args) => {
        await deferring.flush();
        return (side[name] as (...a: unknown[]) => Promise<unknown>)(...args);
      };
    }
    const search: RemoteSearch = {
      ...flushed,
      onEvent: (fn) => {
        listener = fn;
      },
    };
    const api: E2eeApi = deferring.api;
    return { api, deviceId, search };
  } catch (err) {
    worker.terminate();
    throw err;
  }
};
