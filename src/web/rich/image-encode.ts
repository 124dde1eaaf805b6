/**
 * Re-encoding an image without its metadata, and its thumbnail: the same code in the image worker (OffscreenCanvas)
 * and, where a browser has no OffscreenCanvas in workers, on the page. Drawing the pixels onto a canvas and encoding
 * them again keeps the picture and drops every metadata block (EXIF with GPS position, camera and time; XMP;
 * comments). The thumbnail (at most 12 KiB) travels inside the encrypted message, so the receiver shows it at once.
 */

/** Types re-encoded (and previewed); anything else (GIF, SVG, …) is sent as a file, untouched. */
export const RASTER = new Set(['image/jpeg', 'image/png', 'image/webp']);
const THUMB_SIDE = 320;
const THUMB_BYTES = 12 * 1024;

export interface Reencoded {
  data: Blob;
  type: string;
  width: number;
  height: number;
  thumbnail?: Uint8Array;
}

type Canvas = OffscreenCanvas | HTMLCanvasElement;

function canvasOf(width: number, height: number): Canvas {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  return c;
}

async function encode(canvas: Canvas, type: string, quality: number): Promise<Blob> {
  if ('convertToBlob' in canvas) return canvas.convertToBlob({ type, quality });
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The image could not be encoded.'))), type, quality));
}

function draw(bitmap: ImageBitmap, width: number, height: number): Canvas {
  const canvas = canvasOf(width, height);
  // One call per kind of canvas: on the union, TypeScript's choice of getContext overload depended on checking order,
  // so an assertion here was "unnecessary" in one lint run and needed in the next.
  const ctx = 'convertToBlob' in canvas ? canvas.getContext('2d') : canvas.getContext('2d');
  if (!ctx) throw new Error('No 2D canvas here.');
  ctx.drawImage(bitmap, 0, 0, width, height);
  return canvas;
}

/** A small JPEG of the image, at most THUMB_BYTES (smaller and rougher until it fits). */
async function thumbnailOf(bitmap: ImageBitmap): Promise<Uint8Array | undefined> {
  for (const [side, quality] of [[THUMB_SIDE, 0.7], [240, 0.6], [160, 0.5], [96, 0.5]] as const) {
    const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
    const w = Math.max(1, Math.round(bitmap.width * scale));
    const hgt = Math.max(1, Math.round(bitmap.height * scale));
    const blob = await encode(draw(bitmap, w, hgt), 'image/jpeg', quality);
    if (blob.size <= THUMB_BYTES) return new Uint8Array(await blob.arrayBuffer());
  }
  return undefined;
}

/**
 * The image re-encoded without metadata (upright, as its EXIF orientation said), its size and thumbnail; undefined
 * when it does not decode (then it is sent as an opaque file, never previewed).
 */
export async function reencode(file: Blob, type: string): Promise<Reencoded | undefined> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return undefined;
  }
  try {
    const clean = await encode(draw(bitmap, bitmap.width, bitmap.height), type, 0.92);
    const thumbnail = await thumbnailOf(bitmap);
    return { data: clean, type: clean.type || type, width: bitmap.width, height: bitmap.height, ...(thumbnail ? { thumbnail } : {}) };
  } finally {
    bitmap.close();
  }
}
