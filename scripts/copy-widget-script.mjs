// After build:widget and tsc: the proxy package serves the widget's classic scripts (/ig-embed.js, its
// hashed copy, the consent adapters, the manifest), so it carries a copy of widget/dist/script/ in
// proxy/dist/script/. A copy rather than a dependency on `ig-embed`: the proxy serves exactly the
// script it was built and tested with, and a server install pulls in no browser package.
import { cpSync, existsSync, rmSync } from 'node:fs';

const from = new URL('../widget/dist/script/', import.meta.url);
const to = new URL('../proxy/dist/script/', import.meta.url);
if (!existsSync(new URL('manifest.json', from))) {
  console.error('ig-embed-proxy: widget/dist/script/ is not built: run `npm run build:widget` first (`npm run build` does)');
  process.exit(1);
}
// Whole folder replaced: hashed copies of earlier builds must not linger in the package.
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });
console.log('ig-embed-proxy: copied widget/dist/script/ into proxy/dist/script/');
