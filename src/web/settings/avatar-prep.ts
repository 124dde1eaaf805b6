/**
 * A profile picture is re-encoded on this device before it is sealed: the centre square drawn at 256×256 onto a canvas
 * and encoded again (WebP, or JPEG where WebP encoding is missing), which drops every metadata block (EXIF with GPS
 * position, camera and time; XMP; comments). Smaller and rougher until it fits the profile's limit.
 */
import { PROFILE_LIMITS, type Avatar } from '../../sdk/index.js';

const SIDE = 256;

async function encode(canvas: HTMLCanvasElement, type: string, quality: number): Promise<Blob | null> {
  return new Promise((resolve) => canvas.toBlob(resolve, type, quality));
}

export async function prepareAvatar(file: File): Promise<Avatar> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' }).catch(() => {
    throw new Error('That file is not a picture this browser can read.');
  });
  try {
    const crop = Math.min(bitmap.width, bitmap.height);
    const sx = (bitmap.width - crop) / 2;
    const sy = (bitmap.height - crop) / 2;
    for (const [side, quality] of [[SIDE, 0.85], [SIDE, 0.7], [192, 0.6], [128, 0.5]] as const) {
      const canvas = document.createElement('canvas');
      canvas.width = side;
      canvas.height = side;
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('No 2D canvas here.');
      ctx.drawImage(bitmap, sx, sy, crop, crop, 0, 0, side, side);
      for (const type of ['image/webp', 'image/jpeg'] as const) {
        const blob = await encode(canvas, type, quality);
        if (blob?.type !== type) continue;
        if (blob.size <= PROFILE_LIMITS.avatarBytes) return { type, bytes: new Uint8Array(await blob.arrayBuffer()) };
      }
    }
    throw new Error('That picture could not be made small enough.');
  } finally {
    bitmap.close();
  }
}
