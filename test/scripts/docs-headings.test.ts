// The docs as a whole: nothing of the old specification-length README was lost when it became a landing page with
// reference pages in docs/, every relative link and #anchor in README.md and docs/*.md leads somewhere, and the README
// stays a landing page.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

/**
 * Every line of main's README.md that started with `#` when it was split up (2026-12): its 71 headings, and 4 shell
 * or YAML comments inside its code blocks. Captured with `git show main:README.md | grep '^#'`.
 */
const OLD_README_LINES = readFileSync(join(ROOT, 'test/scripts/fixtures/readme-headings-2026-12.txt'), 'utf8').split('\n').filter(Boolean);
/** The 4 of those lines that were comments in code blocks, not headings: they must survive as lines of a code block. */
const OLD_README_CODE_LINES = [
  '# Try it offline: the embedded fake Graph API and the demo pages on http://127.0.0.1:8787/',
  '# Production: live Graph API, settings from a root-only file',
  '# compose.yaml',
  '# offline: ALLOWED_ORIGINS=http://127.0.0.1:8080 UPSTREAM=fixtures DEMO=1 podman-compose -p ig-embed up',
];

interface Heading { level: number; text: string; line: number }
interface Parsed { headings: Heading[]; codeLines: string[]; proseLines: Array<{ line: number; text: string }> }

/** CommonMark's ATX headings and fenced code blocks, enough of it for these files: fences of ``` or ~~~ indented up to 3 spaces. */
function parse(markdown: string): Parsed {
  const headings: Heading[] = [];
  const codeLines: string[] = [];
  const proseLines: Parsed['proseLines'] = [];
  let fence: { char: string; length: number } | undefined;
  markdown.split('\n').forEach((text, index) => {
    const line = index + 1;
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(text);
    if (fence) {
      if (marker && marker[1]![0] === fence.char && marker[1]!.length >= fence.length && /^ {0,3}[`~]+\s*$/.test(text)) fence = undefined;
      else codeLines.push(text.trim());
      return;
    }
    if (marker) {
      fence = { char: marker[1]![0]!, length: marker[1]!.length };
      return;
    }
    const heading = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(text);
    if (heading) headings.push({ level: heading[1]!.length, text: (heading[2] ?? '').trim(), line });
    else proseLines.push({ line, text });
  });
  return { headings, codeLines, proseLines };
}

/** GitHub's anchor for a heading (github-slugger): the rendered text lower-cased, punctuation but `-` and `_` dropped, spaces as `-`. */
function slug(headingText: string): string {
  // Code spans keep their text, `<ig-embed>` included; outside them, links keep their text and HTML tags go.
  const rendered = headingText
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') ? part.slice(1, -1) : part.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]*>/g, '')))
    .join('');
  return rendered.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** The anchors of a file, with GitHub's -1, -2 … for repeated headings. */
function anchors(headings: Heading[]): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const { text } of headings) {
    const base = slug(text);
    const count = seen.get(base) ?? 0;
    out.add(count === 0 ? base : `${base}-${count}`);
    seen.set(base, count + 1);
  }
  return out;
}

/** Every relative link target outside code: `[text](target)` and `![alt](target)`, inline code spans left out. */
function links(parsed: Parsed): Array<{ line: number; target: string }> {
  const out: Array<{ line: number; target: string }> = [];
  for (const { line, text } of parsed.proseLines) {
    const prose = text.replace(/(`+)[^`]*?\1/g, '');
    for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue;
      out.push({ line, target });
    }
  }
  return out;
}

/** The links of `files` (path → text, paths relative to ROOT) that lead nowhere: a missing file, or an anchor no heading has. */
function brokenLinks(files: Map<string, string>, exists: (path: string) => boolean = (p) => existsSync(join(ROOT, p))): string[] {
  const parsed = new Map([...files].map(([path, text]) => [path, parse(text)]));
  const anchorsOf = (path: string): Set<string> | undefined => {
    const known = parsed.get(path);
    if (known) return anchors(known.headings);
    if (!path.endsWith('.md') || !exists(path)) return undefined;
    return anchors(parse(readFileSync(join(ROOT, path), 'utf8')).headings);
  };
  const broken: string[] = [];
  for (const [path, doc] of parsed) {
    for (const { line, target } of links(doc)) {
      const [file = '', anchor] = target.split('#') as [string, string | undefined];
      const to = file === '' ? path : relative(ROOT, resolve(ROOT, dirname(path), decodeURI(file)));
      if (to.startsWith('..') || !(parsed.has(to) || exists(to))) {
        broken.push(`${path}:${line}: ${target}: no file ${to}`);
        continue;
      }
      if (anchor === undefined) continue;
      const known = anchorsOf(to);
      if (!known?.has(anchor)) broken.push(`${path}:${line}: ${target}: no heading with the anchor #${anchor} in ${to}`);
    }
  }
  return broken;
}

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const current = new Map(DOCS.map((path) => [path, read(path)]));

describe('the docs keep everything the long README said', () => {
  test('the captured list is main\'s README as it was: 75 lines, 71 headings and the 4 code comments', () => {
    assert.equal(OLD_README_LINES.length, 75);
    assert.equal(OLD_README_LINES[0], '# ig-embed');
    for (const line of OLD_README_CODE_LINES) assert.ok(OLD_README_LINES.includes(line), line);
  });

  test('every heading of the old README is a heading, with the same text, in README.md or docs/*.md', () => {
    const headings = new Set([...current.values()].flatMap((text) => parse(text).headings.map((h) => h.text)));
    const missing = OLD_README_LINES.filter((line) => !OLD_README_CODE_LINES.includes(line))
      .map((line) => line.replace(/^#+\s*/, '').replace(/\s+#+\s*$/, '').trim())
      .filter((text) => !headings.has(text));
    assert.deepEqual(missing, [], `headings found nowhere in ${DOCS.join(', ')}`);
  });

  test('every code comment of the old README that starts with # is still a line of a code block', () => {
    const codeLines = new Set([...current.values()].flatMap((text) => parse(text).codeLines));
    assert.deepEqual(OLD_README_CODE_LINES.filter((line) => !codeLines.has(line)), []);
  });
});

describe('the docs link only to what exists', () => {
  test('GitHub\'s anchors are computed as GitHub computes them', () => {
    assert.equal(slug('The `<ig-embed>` element'), 'the-ig-embed-element');
    assert.equal(slug('Which `url`s are accepted'), 'which-urls-are-accepted');
    assert.equal(slug('Fixtures mode (`UPSTREAM=fixtures`)'), 'fixtures-mode-upstreamfixtures');
    assert.equal(slug('`GET /instagram_oembed`'), 'get-instagram_oembed');
    assert.equal(slug('Consent managers (TCF, Cookiebot, OneTrust, Usercentrics, WP Consent API)'), 'consent-managers-tcf-cookiebot-onetrust-usercentrics-wp-consent-api');
    assert.equal(slug('One budget, one back-off'), 'one-budget-one-back-off');
    assert.deepEqual([...anchors([{ level: 2, text: 'Run', line: 1 }, { level: 3, text: 'Run', line: 2 }])], ['run', 'run-1']);
  });

  test('the link check finds a missing file, a missing anchor and a link out of the repository, and ignores code', () => {
    const files = new Map([
      ['docs/a.md', '# A\n\n## Part one\n\nSee [b](b.md#part-two), [gone](gone.md), [here](#part-one), [up](../../x.md) and [no](#nope).\n\n```md\n[in code](missing.md)\n```\n`[inline](missing.md)`\n'],
      ['docs/b.md', '# B\n\n## Part 2\n'],
    ]);
    const broken = brokenLinks(files, () => false);
    assert.deepEqual(broken, [
      'docs/a.md:5: b.md#part-two: no heading with the anchor #part-two in docs/b.md',
      'docs/a.md:5: gone.md: no file docs/gone.md',
      'docs/a.md:5: ../../x.md: no file ../x.md',
      'docs/a.md:5: #nope: no heading with the anchor #nope in docs/a.md',
    ]);
  });

  test('every relative link and #anchor in README.md and docs/*.md resolves to a file and, for Markdown, a heading', () => {
    assert.ok(current.size >= 10, `README.md and the docs pages: ${[...current.keys()].join(', ')}`);
    assert.deepEqual(brokenLinks(current), []);
  });

  test('the README links every docs page', () => {
    const linked = new Set(links(parse(current.get('README.md')!)).map(({ target }) => target.split('#')[0]));
    assert.deepEqual(DOCS.filter((path) => path !== 'README.md' && !linked.has(path)), []);
  });
});

describe('the README is a landing page', () => {
  test('README.md is at most 250 lines', () => {
    const lines = current.get('README.md')!.split('\n').length - 1;
    assert.ok(lines <= 250, `README.md has ${lines} lines; the reference belongs in docs/`);
  });
});
