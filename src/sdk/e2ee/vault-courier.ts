/**
 * The vault's uploads when the end-to-end layer runs in a Web Worker, without the worker calling into the page: the
 * worker seals the copies as before (`vault-outbox.ts` batches, retries and keeps them in the store), but a
 * `vault:put` does not cross on its own. It waits as a parcel that rides back in the answer of the page's next call;
 * the page sends it on its socket and its outcome (stored, or the error's code) rides in with the page's call after
 * that, which settles the upload in the worker. An idle page makes one call of its own after a pause. A parcel whose
 * outcome never comes (the tab closed) stays in the stored outbox and goes again on the next run (the server's
 * `vault:put` is an upsert: a copy stored twice is stored once).
 */
import type { ClientEventRequest } from '../../protocol/realtime.js';
import { ParleyError } from '../errors.js';
import { transient } from './vault-outbox.js';

export type VaultPut = ClientEventRequest<'vault:put'>;
export interface Parcel {
  id: number;
  put: VaultPut;
}
/** A parcel's outcome: stored (no code) or refused with this error code. */
export interface Receipt {
  id: number;
  code?: string;
}
/** What rides from the page to the worker. */
export interface Inbound {
  receipts: Receipt[];
}
/** What rides from the worker to the page: parcels, and whether more will come (parcels out, or a retry). */
export interface Outbound {
  parcels: Parcel[];
  waiting: boolean;
}

/** How long the page waits for a call to ride with before it makes one of its own. */
const PAUSE_MS = 5000;

/** The worker's side: `put` stands in for `request('vault:put')`. */
export function workerCourier() {
  let next = 1;
  let unsent: Parcel[] = [];
  const out = new Map<number, { resolve: () => void; reject: (err: unknown) => void }>();
  let closed = false;
  // A parcel came back refused for now: the outbox sends it again after a delay.
  let retrying = false;
  // Receipts came with this call: the outbox may go on to its next batch (sealed after this answer).
  let receipted = false;
  const gone = () => new ParleyError('NOT_CONNECTED', 'The page closed before the vault copies were stored.');
  return {
    put(put: VaultPut): Promise<void> {
      const id = next++;
      unsent.push({ id, put });
      retrying = false;
      // Closing: the page sends it after the close's answer; its outcome will not come back, so the copy stays queued.
      if (closed) return Promise.reject(gone());
      return new Promise<void>((resolve, reject) => out.set(id, { resolve, reject }));
    },
    /** A call came in from the page. */
    receive(inbound: unknown): void {
      const receipts: Receipt[] | undefined = (inbound as Partial<Inbound> | undefined)?.receipts;
      if (!Array.isArray(receipts)) return;
      receipted ||= receipts.length > 0;
      for (const receipt of receipts) {
        const pending = out.get(receipt.id);
        out.delete(receipt.id);
        if (!pending) continue;
        if (receipt.code === undefined) pending.resolve();
        else {
          const err = new ParleyError(receipt.code as ParleyError['code'], 'vault:put failed');
          retrying ||= transient(err);
          pending.reject(err);
        }
      }
    },
    /** The answer is going back: what rides with it. */
    answer(): Outbound {
      const parcels = unsent;
      unsent = [];
      const waiting = out.size > 0 || retrying || receipted;
      receipted = false;
      return { parcels, waiting };
    },
    /** The layer closes: what is out will get no receipt (it stays in the stored outbox for the next run). */
    close(): void {
      closed = true;
      for (const pending of out.values()) pending.reject(gone());
      out.clear();
    },
  };
}

/**
 * The page's side: sends the parcels that come back with answers, and hands their receipts to the next call.
 * `poke` is a call of the page's own, named `pokeName`: made after a pause that follows any call (what the call
 * gave the worker to keep is sealed after its answer), until one comes back with nothing and nothing waits.
 */
export function pageCourier(send: (put: VaultPut) => Promise<void>, poke: () => Promise<unknown>, pokeName = 'ride', pauseMs = PAUSE_MS) {
  let receipts: Receipt[] = [];
  let sending = 0;
  let quiet = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (closed || (receipts.length === 0 && sending === 0 && quiet)) return;
    timer = setTimeout(() => {
      timer = undefined;
      // Receipts still being written: wait for them first.
      if (sending > 0) return later();
      void poke().catch(() => undefined);
    }, pauseMs);
  };
  return {
    /** A call is going out: what rides with it. */
    outbound(): Inbound {
      const out = { receipts };
      receipts = [];
      return out;
    },
    /** The answer to a call to `method` came back (after `close`, no call of the page's own). */
    inbound(value: unknown, method: string): void {
      const outbound = value as Partial<Outbound> | undefined;
      const parcels = outbound?.parcels ?? [];
      quiet = method === pokeName && parcels.length === 0 && outbound?.waiting !== true;
      if (method === 'close') closed = true;
      for (const parcel of parcels) {
        sending++;
        send(parcel.put)
          .then(() => receipts.push({ id: parcel.id }))
          .catch((err: unknown) => {
            const code = (err as { code?: unknown }).code;
            receipts.push({ id: parcel.id, code: typeof code === 'string' ? code : 'NETWORK' });
          })
          .finally(() => {
            sending--;
            later();
          });
      }
      later();
    },
  };
}
