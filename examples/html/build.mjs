// Copies the page and the classic script from the installed package into dist/: a CMS page needs nothing else.
// (The proxy serves the same script at /ig-embed.js; self-hosting it is the alternative shown here.)
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const pkg = dirname(createRequire(import.meta.url).resolve('ig-embed/package.json'));
await mkdir('dist', { recursive: true });
await copyFile('index.html', 'dist/index.html');
await copyFile(join(pkg, 'dist/script/ig-embed.js'), 'dist/ig-embed.js');
