#!/usr/bin/env node
// Draws resources/icon.png (512×512) from the same shapes as the SVG mark, with no image tooling.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const N = 512;
const px = Buffer.alloc(N * (N * 4 + 1));
const clamp = (v) => Math.max(0, Math.min(1, v));
const segDist = (x, y, ax, ay, bx, by) => {
  const dx = bx - ax, dy = by - ay;
  const t = clamp(((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy));
  return Math.hypot(x - ax - t * dx, y - ay - t * dy);
};
for (let y = 0; y < N; y++) {
  px[y * (N * 4 + 1)] = 0;
  for (let x = 0; x < N; x++) {
    const u = (x + 0.5) * (64 / N), v = (y + 0.5) * (64 / N);
    // Rounded square, radius 14.
    const qx = Math.max(Math.abs(u - 32) - 18, 0), qy = Math.max(Math.abs(v - 32) - 18, 0);
    const box = Math.hypot(qx, qy) - 14;
    const aBox = clamp(0.5 - box * (N / 64));
    const bar = segDist(u, v, 18, 46, 42, 22) - 3.5;
    const dot = Math.hypot(u - 45, v - 19) - 6;
    const aWhite = clamp(0.5 - Math.min(bar, dot) * (N / 64));
    const r = 79 + (255 - 79) * aWhite, g = 70 + (255 - 70) * aWhite, b = 229 + (255 - 229) * aWhite;
    const o = y * (N * 4 + 1) + 1 + x * 4;
    px[o] = r; px[o + 1] = g; px[o + 2] = b; px[o + 3] = Math.round(255 * aBox);
  }
}
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0); ihdr.writeUInt32BE(N, 4); ihdr[8] = 8; ihdr[9] = 6;
writeFileSync('resources/icon.png', Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr), chunk('IDAT', deflateSync(px, { level: 9 })), chunk('IEND', Buffer.alloc(0)),
]));
console.log('wrote resources/icon.png');
