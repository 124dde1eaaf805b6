// Renders public/favicon.svg into the PNG icons of the web app manifest with the system's Chromium, and writes
// public/favicon.ico (a PNG inside an ICO container). Run again after changing the SVG: `npx tsx scripts/make-icons.ts`.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const svg = fs.readFileSync(path.join(root, 'public', 'favicon.svg'), 'utf8');
const dataUrl = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;

/** `maskable`: the glyph inside the 80 % safe zone on a full-bleed background, as launchers crop it to any shape. */
const icons = [
  { file: 'icon-192.png', size: 192, maskable: false },
  { file: 'icon-512.png', size: 512, maskable: false },
  { file: 'icon-maskable-512.png', size: 512, maskable: true },
  { file: 'apple-touch-icon.png', size: 180, maskable: true },
  { file: 'favicon-32.png', size: 32, maskable: false },
];

const browser = await chromium.launch({ executablePath: process.env.PARLEY_TEST_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  for (const icon of icons) {
    await page.setViewportSize({ width: icon.size, height: icon.size });
    const inset = icon.maskable ? Math.round(icon.size * 0.1) : 0;
    await page.setContent(
      `<body style="margin:0;background:${icon.maskable ? '#3451d1' : 'transparent'}">` +
        `<img src="${dataUrl}" style="display:block;margin:${inset}px;width:${icon.size - 2 * inset}px;height:${icon.size - 2 * inset}px"></body>`,
    );
    await page.locator('img').evaluate((img: HTMLImageElement) => img.decode());
    const png = await page.screenshot({ omitBackground: !icon.maskable, type: 'png' });
    fs.writeFileSync(path.join(root, 'public', icon.file), png);
  }
} finally {
  await browser.close();
}

// favicon.ico: one 32×32 PNG image in an ICO directory (ICONDIR + ICONDIRENTRY, little-endian).
const png = fs.readFileSync(path.join(root, 'public', 'favicon-32.png'));
const header = Buffer.alloc(22);
header.writeUInt16LE(0, 0); // reserved
header.writeUInt16LE(1, 2); // type: icon
header.writeUInt16LE(1, 4); // one image
header.writeUInt8(32, 6); // width
header.writeUInt8(32, 7); // height
header.writeUInt8(0, 8); // no palette
header.writeUInt8(0, 9); // reserved
header.writeUInt16LE(1, 10); // colour planes
header.writeUInt16LE(32, 12); // bits per pixel
header.writeUInt32LE(png.length, 14); // image size
header.writeUInt32LE(22, 18); // image offset
fs.writeFileSync(path.join(root, 'public', 'favicon.ico'), Buffer.concat([header, png]));
fs.rmSync(path.join(root, 'public', 'favicon-32.png'));
console.log(`icons written to ${path.join(root, 'public')}`);
