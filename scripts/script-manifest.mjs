// After `vite build --mode script` and scripts/build-consent-scripts.mjs (widget/dist/script/): content-hashed copies, SRI hashes
// and the manifest for the proxy, and the size budgets. Prints the gzip size of all JavaScript a page
// loads from us (ig-embed.js: the classic script is self-contained) and of each consent adapter (loaded
// only with `data-consent="<adapter>"`), and fails the build above a budget: 9,728 B gzip for
// ig-embed.js (the brief's, aiming for 9,216), 1,024 B for each adapter (issue 16).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import adapters from '../widget/consent/adapters.json' with { type: 'json' };

const BUDGET_BYTES = 9728;
const AIM_BYTES = 9216;
const ADAPTER_BUDGET_BYTES = 1024;
const dir = new URL('../widget/dist/script/', import.meta.url);

/** `{file, hashedFile, integrity, gzipBytes}` of one built file; writes its hashed copy beside it. */
function describe(file) {
  const code = readFileSync(new URL(file, dir));
  const hashedFile = file.replace(/\.js$/, `.${createHash('sha256').update(code).digest('hex').slice(0, 8)}.js`);
  writeFileSync(new URL(hashedFile, dir), code);
  return {
    file,
    hashedFile,
    integrity: `sha384-${createHash('sha384').update(code).digest('base64')}`,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    rawBytes: code.length,
  };
}

const { rawBytes, ...main } = describe('ig-embed.js');
const consent = {};
for (const name of adapters) {
  const { rawBytes: _raw, ...entry } = describe(`ig-embed.consent-${name}.js`);
  consent[name] = entry;
}
// The proxy reads `file`, `hashedFile` and `consent.<adapter>.file / hashedFile` (proxy/assets.ts).
writeFileSync(new URL('manifest.json', dir), `${JSON.stringify({ ...main, consent }, null, 2)}\n`);

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
const over = [];
console.log(`ig-embed: a page loads ${main.gzipBytes} B (${kb(main.gzipBytes)}) gzip of JavaScript from us (${main.file}, ${rawBytes} bytes raw; budget ${BUDGET_BYTES} B, aim ${AIM_BYTES} B)`);
console.log(`ig-embed: SRI  <script src="/${main.hashedFile}" integrity="${main.integrity}" crossorigin="anonymous" defer></script>`);
if (main.gzipBytes > BUDGET_BYTES) over.push(`${main.file} is ${main.gzipBytes} bytes gzip, over the ${BUDGET_BYTES}-byte budget`);
for (const [name, entry] of Object.entries(consent)) {
  console.log(`ig-embed: consent adapter ${name}: ${entry.gzipBytes} B gzip (${entry.file}; budget ${ADAPTER_BUDGET_BYTES} B)`);
  console.log(`ig-embed: SRI  <script src="/${entry.hashedFile}" integrity="${entry.integrity}" crossorigin="anonymous" defer></script>`);
  if (entry.gzipBytes > ADAPTER_BUDGET_BYTES) over.push(`${entry.file} is ${entry.gzipBytes} bytes gzip, over the ${ADAPTER_BUDGET_BYTES}-byte adapter budget`);
}

// Each adapter is an npm entry too: the ig-embed package (widget/package.json) must export it (one list, widget/consent/adapters.json).
const exported = Object.keys(JSON.parse(readFileSync(new URL('../widget/package.json', import.meta.url), 'utf8')).exports);
const missing = adapters.filter((name) => !exported.includes(`./consent/${name}`));
if (missing.length) over.push(`widget/package.json "exports" lacks ${missing.map((name) => `./consent/${name}`).join(', ')}`);

for (const problem of over) console.error(`ig-embed: ${problem}`);
if (over.length) process.exit(1);
