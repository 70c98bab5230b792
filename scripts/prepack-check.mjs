// The `prepack` of widget/ and proxy/ (npm runs it for `npm pack` and `npm publish`, --dry-run too): refuses to pack
// a workspace whose build is missing, so an unbuilt tree cannot publish a package without its code. Run in the
// workspace's folder; checks every path its package.json `files` names.
import { existsSync, readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const missing = (manifest.files ?? []).filter((path) => !existsSync(path));
if (missing.length > 0) {
  console.error(`${manifest.name}: cannot pack: ${missing.join(', ')} missing (not built): run \`npm run build\` at the repository root first`);
  process.exit(1);
}
