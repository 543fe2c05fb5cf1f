// Draws assets/icon.png (512×512): a tide mark over a wave on a rounded deep-blue tile.
// Plain Node (zlib) so the icon can be regenerated anywhere: node scripts/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const N = 512;
const px = Buffer.alloc(N * N * 4);
const mix = (a, b, t) => Math.round(a + (b - a) * t);
for (let y = 0; y < N; y++) {
  for (let x = 0; x < N; x++) {
    const i = (y * N + x) * 4;
    // Rounded square with a soft edge.
    const r = 96, cx = Math.min(Math.max(x, r), N - r), cy = Math.min(Math.max(y, r), N - r);
    const d = Math.hypot(x - cx, y - cy);
    const alpha = Math.max(0, Math.min(1, r - d + 0.5));
    if (alpha === 0) continue;
    const t = y / N;
    let [R, G, B] = [mix(18, 8, t), mix(70, 40, t), mix(130, 90, t)];
    const wave = 300 + 28 * Math.sin((x / N) * Math.PI * 3.2);
    if (y > wave) [R, G, B] = [mix(40, 20, t), mix(150, 110, t), mix(200, 170, t)];
    if (y > wave + 60 + 18 * Math.sin((x / N) * Math.PI * 3.2 + 1)) [R, G, B] = [mix(30, 14, t), mix(120, 80, t), mix(175, 140, t)];
    // The tide mark: a bright horizontal line with ticks.
    if (Math.abs(y - 196) < 9 && x > 88 && x < 424) [R, G, B] = [250, 250, 245];
    if (x > 88 && x < 424 && (x - 88) % 56 < 10 && y > 150 && y < 196) [R, G, B] = [250, 250, 245];
    px.set([R, G, B, Math.round(alpha * 255)], i);
  }
}
const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) px.copy(raw, y * (N * 4 + 1) + 1, y * N * 4, (y + 1) * N * 4);
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
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr.set([8, 6, 0, 0, 0], 8);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../assets/icon.png', import.meta.url), png);
console.log(`assets/icon.png ${png.length} bytes`);
