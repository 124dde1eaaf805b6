/** The search benchmark in a browser Worker (bundled by bench/search.ts): runs measureSearch and posts the figures. */
import { measureSearch } from './search-measure.js';

interface WorkerScope {
  onmessage: ((e: MessageEvent<{ messages: number }>) => void) | null;
  postMessage(value: unknown): void;
}
const scope = globalThis as unknown as WorkerScope;

scope.onmessage = (e) => {
  measureSearch(e.data.messages, () => performance.now()).then(
    (figures) => scope.postMessage({ figures }),
    (err: unknown) => scope.postMessage({ error: String(err) }),
  );
};
