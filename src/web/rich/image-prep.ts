/**
 * Images are re-encoded on this device before upload, so no metadata (EXIF GPS position, camera, time) leaves it; a
 * thumbnail is made on the way. The work runs in the image worker (OffscreenCanvas); a browser without
 * OffscreenCanvas in workers does it on the page (same code, an HTML canvas).
 */
import type { AttachmentInput } from '../../sdk/index.js';
import { RASTER, reencode, type Reencoded } from './image-encode.js';
import type { ImageRequest, ImageResponse } from './image-worker.js';

export const isPreviewable = (type: string): boolean => RASTER.has(type);

interface Pending {
  resolve: (result: Reencoded | undefined) => void;
  reject: (err: Error) => void;
}

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./image-worker.ts', import.meta.url), { type: 'module', name: 'parley-images' });
  w.addEventListener('message', (event: MessageEvent<ImageResponse>) => {
    const answer = event.data;
    const p = pending.get(answer.id);
    if (!p) return;
    pending.delete(answer.id);
    if ('error' in answer) p.reject(new Error(answer.error));
    else p.resolve(answer.result ?? undefined);
  });
  w.addEventListener('error', (event) => {
    event.preventDefault();
    worker = undefined;
    w.terminate();
    for (const p of pending.values()) p.reject(new Error(event.message || 'The image worker stopped.'));
    pending.clear();
  });
  worker = w;
  return w;
}

function inWorker(file: Blob, type: string): Promise<Reencoded | undefined> {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    const request: ImageRequest = { id, file, type };
    getWorker().postMessage(request);
  });
}

/** Image work is done in a worker where workers have OffscreenCanvas (all current browsers). */
const workerCanDraw = typeof Worker !== 'undefined' && typeof OffscreenCanvas !== 'undefined';

/**
 * A file as it will be sent: a JPEG, PNG or WebP image re-encoded without its metadata (upright), with its size and a
 * thumbnail; anything else as it is. An image that does not decode is sent as an opaque file (never previewed).
 */
export async function prepareFile(file: File): Promise<AttachmentInput> {
  const name = file.name || 'file';
  if (!isPreviewable(file.type) || typeof createImageBitmap === 'undefined') {
    return { name, type: file.type || 'application/octet-stream', data: file };
  }
  const result = workerCanDraw ? await inWorker(file, file.type) : await reencode(file, file.type);
  if (!result) return { name, type: 'application/octet-stream', data: file };
  return {
    name,
    type: result.type,
    data: result.data,
    width: result.width,
    height: result.height,
    ...(result.thumbnail ? { thumbnail: result.thumbnail } : {}),
  };
}
