import type { Page } from 'playwright-core';

/** The text an EXIF block of the test photos carries in place of a GPS position (it must never reach the receiver). */
export const GPS_CANARY = 'GPS-CANARY-48.8584N-2.2945E';

/** A real JPEG (drawn by the browser) with an APP1 "Exif" segment holding the canary inserted after its SOI marker. */
export async function jpegWithExif(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(64, 48);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#3451d1';
    ctx.fillRect(0, 0, 64, 48);
    ctx.fillStyle = '#ffb020';
    ctx.fillRect(16, 12, 32, 24);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  });
  const jpeg = Buffer.from(base64, 'base64');
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), Buffer.from('MM\0*\0\0\0\x08', 'latin1'), Buffer.from(GPS_CANARY, 'latin1')]);
  const segment = Buffer.concat([Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload]);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

