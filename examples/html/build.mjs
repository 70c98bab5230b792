// Copies the page and the classic script from the installed package into dist/: a CMS page needs nothing else.
// (The proxy serves the same script at /ig-embed.js; self-hosting it is the alternative shown here.)
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';

await mkdir('dist', { recursive: true });
await copyFile('index.html', 'dist/index.html');
await copyFile(createRequire(import.meta.url).resolve('ig-embed/script/ig-embed.js'), 'dist/ig-embed.js');
