/**
 * A web-test-runner (Koa) middleware that runs the proxy's real sanitiser in node for the widget's
 * contract test: GET /__sanitizer-contract answers the shared hostile corpus (test/support/embed-corpus.ts)
 * plus Meta's recorded embeds, each with what `sanitizeEmbedHtml` made of it (null when refused).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { tsImport } from 'tsx/esm/api';

const { sanitizeEmbedHtml } = await tsImport('../../../proxy/sanitize-html.ts', import.meta.url);
const { EMBED_CORPUS } = await tsImport('../../support/embed-corpus.ts', import.meta.url);

const fixtures = new URL('../../../proxy/fixtures/graph/', import.meta.url);
const recordings = readdirSync(fixtures)
  .filter((file) => file.endsWith('.json') && !file.endsWith('.headers.json'))
  .map((file) => ({ file, body: JSON.parse(readFileSync(new URL(file, fixtures), 'utf8')) }))
  .filter(({ body }) => typeof body.html === 'string')
  .map(({ file, body }) => ({
    name: `recording ${file}`,
    html: body.html,
    permalink: /data-instgrm-permalink="([^"]*)"/.exec(body.html)?.[1] ?? '',
    proxy: 'accept',
  }));

const answer = JSON.stringify([...EMBED_CORPUS, ...recordings].map((doc) => ({ ...doc, output: sanitizeEmbedHtml(doc.html, doc.permalink) })));

export async function proxySanitizer(ctx, next) {
  if (ctx.path !== '/__sanitizer-contract') return next();
  ctx.type = 'application/json';
  ctx.body = answer;
}
