import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../../src/sdk/e2ee/store.js';
import { VaultOutbox } from '../../src/sdk/e2ee/vault-outbox.js';
import { pageCourier, workerCourier, type VaultPut } from '../../src/sdk/e2ee/vault-courier.js';
import { crossings, envelope, unwrapped } from '../../src/web/e2ee-bridge.js';

/**
 * The page and the worker joined by the real bridge (without the Worker): the worker's layer queues a vault copy at
 * each send (through the real outbox); the page's `vault:put`s are recorded (or refused while `refuse` is set).
 */
function joined(pauseMs = 1000, batch = 8) {
  const puts: VaultPut[] = [];
  let refuse: string | undefined;
  let hold = false;
  const courier = workerCourier();
  const store = new MemoryStore();
  const outbox = new VaultOutbox(store, 'alice/vault-outbox', (conversationId, entries) =>
    courier.put({ conversationId, records: entries.map(([seq]) => ({ seq, keyVersion: 1, body: new Uint8Array([seq]) })) }), batch);
  let seq = 0;
  const layer = {
    send: () => {
      seq++;
      outbox.add('c1', seq, { text: `message ${seq}` });
      return Promise.resolve(seq);
    },
    close: () => {
      courier.close();
      return outbox.flush();
    },
    ride: () => Promise.resolve(),
  };
  const methods = ['send', 'close', 'ride'] as const;
  const remote = envelope(layer, [...methods], courier);
  const page = pageCourier(
    (put) => {
      if (hold) return new Promise<void>(() => undefined);
      if (refuse) return Promise.reject(Object.assign(new Error('refused'), { code: refuse }));
      puts.push(put);
      return Promise.resolve();
    },
    () => api.ride(),
    'ride',
    pauseMs,
  );
  const api = unwrapped<typeof layer>(remote as never, [...methods], page);
  return { api, puts, store, setRefuse: (code: string | undefined) => (refuse = code), holdPuts: () => (hold = true) };
}

const seqs = (puts: VaultPut[]) => puts.flatMap((p) => p.records.map((r) => r.seq));
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.useRealTimers();
});

describe('vault copies ride with the page\'s calls', () => {
  it('a send is one call and no call back; each copy is uploaded once, by the page', async () => {
    const { api, puts } = joined();
    const before = { ...crossings.answered };
    const calledBefore = crossings.called.send ?? 0;
    for (let i = 0; i < 10; i++) {
      await api.send();
      await tick();
    }
    await api.send();
    await tick();
    await api.send(); // the receipts of the last parcels
    // Only the worker's side answered (each send once); the page answered nothing for the worker.
    expect((crossings.called.send ?? 0) - calledBefore).toBe(12);
    expect((crossings.answered.send ?? 0) - (before.send ?? 0)).toBe(12);
    expect(crossings.answered.request ?? 0).toBe(before.request ?? 0);
    const uploaded = seqs(puts);
    expect(new Set(uploaded).size).toBe(uploaded.length);
    for (let s = 1; s <= 10; s++) expect(uploaded).toContain(s);
  });

  it('a copy the page could not store goes again; an idle page makes one call of its own for it', async () => {
    vi.useFakeTimers();
    const { api, puts, setRefuse } = joined(1000);
    setRefuse('NETWORK');
    await api.send();
    await vi.advanceTimersByTimeAsync(0);
    await api.send(); // the first copy rides back here and is refused
    await vi.advanceTimersByTimeAsync(0);
    expect(puts).toHaveLength(0);
    setRefuse(undefined);
    const rides = crossings.called.ride ?? 0;
    // No more sends: the page's own call carries the receipt, the outbox retries, and the parcel comes back.
    await vi.advanceTimersByTimeAsync(20_000);
    expect((crossings.called.ride ?? 0) - rides).toBeGreaterThan(0);
    expect(seqs(puts).sort()).toEqual([1, 2]);
    // Settled: no further calls of the page's own.
    const settled = crossings.called.ride ?? 0;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(crossings.called.ride ?? 0).toBe(settled);
  });

  it('an idle page takes the outbox\'s batches one after another until nothing waits', async () => {
    vi.useFakeTimers();
    const { api, puts } = joined(1000, 1);
    await api.send();
    await api.send();
    await api.send();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(seqs(puts).sort()).toEqual([1, 2, 3]);
  });

  it('what has no receipt when the layer closes stays in the stored outbox for the next run', async () => {
    const { api, store, holdPuts } = joined();
    holdPuts(); // the tab goes before the server answers the page's vault:put
    await api.send();
    await tick();
    await api.send(); // the first copy rides back with this answer; its receipt never reaches the worker
    await api.close();
    const kept = await store.get('alice/vault-outbox');
    expect(kept).toBeDefined();
    expect(JSON.parse(new TextDecoder().decode(kept))).toHaveProperty(['c1', '1']);
  });
});
