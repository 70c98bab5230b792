// After `vite build --mode script`: content-hashed copy, SRI hash and manifest for the proxy, and the
// size budget. Prints the gzip size of all JavaScript a page loads from us (only ig-embed.js: the
// classic script is self-contained) and fails the build above the budget (owned by DEVELOPERS.md:
// 9,728 B gzip, aiming for 9,216).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 9728;
const AIM_BYTES = 9216;
const dir = new URL('../dist/script/', import.meta.url);
const file = 'ig-embed.js';
const code = readFileSync(new URL(file, dir));

const hashedFile = `ig-embed.${createHash('sha256').update(code).digest('hex').slice(0, 8)}.js`;
const integrity = `sha384-${createHash('sha384').update(code).digest('base64')}`;
const gzipBytes = gzipSync(code, { level: 9 }).length;

writeFileSync(new URL(hashedFile, dir), code);
writeFileSync(new URL('manifest.json', dir), `${JSON.stringify({ file, hashedFile, integrity, gzipBytes }, null, 2)}\n`);

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
console.log(`ig-embed: a page loads ${gzipBytes} B (${kb(gzipBytes)}) gzip of JavaScript from us (${file}, ${code.length} bytes raw; budget ${BUDGET_BYTES} B, aim ${AIM_BYTES} B)`);
console.log(`ig-embed: SRI  <script src="/${hashedFile}" integrity="${integrity}" crossorigin="anonymous" defer></script>`);
if (gzipBytes > BUDGET_BYTES) {
  console.error(`ig-embed: ${file} is ${gzipBytes} bytes gzip, over the ${BUDGET_BYTES}-byte budget`);
  process.exit(1);
}
