#!/usr/bin/env node
// `npx ig-embed-proxy`: starts the server with the environment's config (server.ts); --help, --version and --check answer and exit.
import { readFileSync } from 'node:fs';
import { defaultDistDir } from './assets.js';
import { bootAssetWarnings, bootConfig } from './boot.js';
import { CONFIG_TABLE } from './config-table.js';

const USAGE = `Usage: ig-embed-proxy [--help | --version | --check]

Starts the ig-embed oEmbed proxy, configured by environment variables (below).
  --check        validate the environment and the built files and exit: 0 when the server would start (with the
                 boot's warnings on stderr), 1 (with the boot's message) when not
  -v, --version  print the version
  -h, --help     print this help
Any other argument: this usage on stderr, exit code 2.

Example: ALLOWED_ORIGINS=https://example.com META_ACCESS_TOKEN_FILE=/run/secrets/meta npx ig-embed-proxy
Docs: https://github.com/ig-embed/ig-embed/blob/main/docs/configuration.md`;

/** The table as aligned plain-text columns, each cell wrapped at `width` characters in its column. */
function configTable(width = 60): string {
  const rows = [['Variable', 'Default', 'Accepted values'], ...CONFIG_TABLE];
  const wrap = (text: string) => {
    const lines: string[] = [];
    let line = '';
    for (const word of text.split(' ')) {
      if (line && line.length + word.length + 1 > width) { lines.push(line); line = word; }
      else line = line ? `${line} ${word}` : word;
    }
    return [...lines, line];
  };
  const cells = rows.map((row) => row.map(wrap));
  const widths = [0, 1, 2].map((i) => Math.max(...cells.map((row) => Math.max(...row[i]!.map((l) => l.length)))));
  const out: string[] = [];
  for (const row of cells) {
    const height = Math.max(...row.map((cell) => cell.length));
    for (let n = 0; n < height; n++) out.push(row.map((cell, i) => (cell[n] ?? '').padEnd(widths[i]!)).join('  ').trimEnd());
  }
  return out.join('\n');
}

function version(): string {
  // The package's own package.json: proxy/package.json from source and from dist/proxy/ alike.
  const manifest = new URL('../package.json', defaultDistDir(import.meta.url));
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

const [flag, ...rest] = process.argv.slice(2);
if (rest.length > 0 || (flag !== undefined && !['--help', '-h', '--version', '-v', '--check'].includes(flag))) {
  process.stderr.write(`ig-embed-proxy: unknown argument ${JSON.stringify(rest[0] ?? flag)}\n\n${USAGE}\n`);
  process.exit(2);
}
if (flag === '--help' || flag === '-h') {
  process.stdout.write(`${USAGE}\n\nConfiguration (environment variables; empty = unset):\n\n${configTable()}\n`);
} else if (flag === '--version' || flag === '-v') {
  process.stdout.write(`${version()}\n`);
} else if (flag === '--check') {
  const boot = bootConfig(process.env);
  if (!boot.ok) {
    process.stderr.write(`${boot.message}\n`);
    process.exit(1);
  }
  // The boot's warnings, in its order: the environment's, then the static files' (read as the boot reads them, no server started).
  for (const warning of [...boot.warnings, ...bootAssetWarnings(boot.config)]) process.stderr.write(`ig-embed: warning: ${warning}\n`);
  process.stdout.write(`ig-embed: configuration ok (upstream ${boot.config.upstream}; would listen on ${boot.config.host}:${boot.config.port})\n`);
} else {
  await import('./server.js');
}
