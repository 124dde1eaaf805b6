import type { DeriveMaster } from '../sdk/index.js';
import type { KdfRequest, KdfResponse } from './kdf-worker.js';

interface Pending {
  resolve: (master: Uint8Array) => void;
  reject: (err: Error) => void;
}

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();

function failAll(message: string): void {
  for (const p of pending.values()) p.reject(new Error(message));
  pending.clear();
}

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./kdf-worker.ts', import.meta.url), { type: 'module', name: 'parley-kdf' });
  w.addEventListener('message', (event: MessageEvent<KdfResponse>) => {
    const answer = event.data;
    const p = pending.get(answer.id);
    if (!p) return;
    pending.delete(answer.id);
    if ('master' in answer) p.resolve(answer.master);
    else p.reject(new Error(`Password key derivation failed: ${answer.error}`));
  });
  w.addEventListener('error', (event) => {
    event.preventDefault();
    // A broken worker is replaced on the next call.
    worker = undefined;
    w.terminate();
    failAll(`Password key derivation failed: ${event.message || 'the worker stopped'}`);
  });
  worker = w;
  return w;
}

/** A DeriveMaster that runs Argon2id in a Web Worker; the password goes to the worker only, never to the network. */
export const deriveMasterInWorker: DeriveMaster = (password, salt, params) =>
  new Promise<Uint8Array>((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    const request: KdfRequest = { id, password, salt, params };
    getWorker().postMessage(request);
  });
