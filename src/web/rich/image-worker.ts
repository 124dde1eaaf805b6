/// <reference lib="webworker" />
/**
 * The image worker: re-encodes a picked image without its metadata and makes its thumbnail (OffscreenCanvas), so a
 * large photo never blocks the page. One request at a time per message; the answer carries the request's id.
 */
import { reencode, type Reencoded } from './image-encode.js';

export interface ImageRequest {
  id: number;
  file: Blob;
  type: string;
}

export type ImageResponse = { id: number; result: Reencoded | null } | { id: number; error: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.addEventListener('message', (event: MessageEvent<ImageRequest>) => {
  const { id, file, type } = event.data;
  reencode(file, type).then(
    (result) => {
      const answer: ImageResponse = { id, result: result ?? null };
      scope.postMessage(answer, result?.thumbnail ? [result.thumbnail.buffer as ArrayBuffer] : []);
    },
    (err: unknown) => {
      const answer: ImageResponse = { id, error: err instanceof Error ? err.message : 'The image could not be encoded.' };
      scope.postMessage(answer);
    },
  );
});
