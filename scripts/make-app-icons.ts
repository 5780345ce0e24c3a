// Draws the LifeOS icon (a white ring with a dot, the "O" of LifeOS, on the app's blue)
// and writes the PNGs the web manifest, iOS and the favicon want. Run once after a
// design change: node scripts/make-app-icons.ts
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

const BLUE = [0x1d, 0x4e, 0xd8];
const WHITE = [0xff, 0xff, 0xff];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An RGBA PNG of `size` px; `maskable` keeps the drawing inside the safe zone and fills the corners. */
function icon(size: number, { maskable = false, rounded = true } = {}): Buffer {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  const c = size / 2;
  const scale = maskable ? 0.8 : 1;
  const corner = rounded && !maskable ? size * 0.22 : 0;
  const ringOuter = size * 0.34 * scale;
  const ringInner = size * 0.22 * scale;
  const dot = size * 0.075 * scale;
  // 4x4 supersampling for smooth edges.
  const S = 4;
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const px = x + (sx + 0.5) / S;
          const py = y + (sy + 0.5) / S;
          // Rounded square background.
          const dx = Math.max(corner - px, 0, px - (size - corner));
          const dy = Math.max(corner - py, 0, py - (size - corner));
          const inside = corner === 0 || dx * dx + dy * dy <= corner * corner;
          if (!inside) continue;
          bg++;
          const r = Math.hypot(px - c, py - c);
          const ring = r <= ringOuter && r >= ringInner;
          // The dot sits on the ring's upper right, like a notification badge.
          const dr = Math.hypot(px - (c + ringOuter * 0.72), py - (c - ringOuter * 0.72));
          if (ring || dr <= dot * 1.6) fg++;
        }
      }
      const i = y * (size * 4 + 1) + 1 + x * 4;
      const total = S * S;
      const f = fg / Math.max(bg, 1);
      for (let ch = 0; ch < 3; ch++) raw[i + ch] = Math.round(BLUE[ch]! * (1 - f) + WHITE[ch]! * f);
      raw[i + 3] = Math.round((255 * bg) / total);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const root = path.resolve(import.meta.dirname, '../apps/mobile');
const out: Array<[string, Buffer]> = [
  ['public/icons/icon-192.png', icon(192)],
  ['public/icons/icon-512.png', icon(512)],
  ['public/icons/maskable-512.png', icon(512, { maskable: true })],
  // iOS rounds the corners itself and wants no transparency.
  ['public/icons/apple-touch-icon.png', icon(180, { rounded: false })],
  ['public/icons/badge-96.png', icon(96)],
  ['assets/images/favicon.png', icon(48)],
  ['assets/images/icon.png', icon(1024, { rounded: false })],
];
for (const [file, png] of out) writeFileSync(path.join(root, file), png);
console.log(`wrote ${out.map(([f]) => f).join(', ')}`);
