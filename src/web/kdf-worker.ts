// The password KDF (Argon2id, 64 MiB by default) runs here, off the page's main thread, so the UI stays responsive.
import type { KdfParams } from '../protocol/auth.js';
import { deriveMasterInThread } from '../sdk/worker.js';

export interface KdfRequest {
  id: number;
  password: string;
  salt: Uint8Array;
  params: KdfParams;
}

export type KdfResponse = { id: number; master: Uint8Array } | { id: number; error: string };

/** The part of DedicatedWorkerGlobalScope used here (the project's lib is DOM, not WebWorker). */
interface WorkerScope {
  addEventListener(type: 'message', listener: (event: MessageEvent<KdfRequest>) => void): void;
  postMessage(message: KdfResponse): void;
}

const scope = self as unknown as WorkerScope;

scope.addEventListener('message', (event) => {
  const { id, password, salt, params } = event.data;
  deriveMasterInThread(password, salt, params).then(
    (master) => {
      // postMessage copies synchronously: the worker's copy is wiped right after.
      scope.postMessage({ id, master });
      master.fill(0);
    },
    (err: unknown) => {
      scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
    },
  );
});
