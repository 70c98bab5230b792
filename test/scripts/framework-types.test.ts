/** The manifest (npm run analyze with its plugin) and the framework types generated from it (scripts/framework-types.mjs). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
// @ts-expect-error: a plain .mjs build script without declarations
import { FRAMEWORK_ENTRIES, writeFrameworkTypes } from '../../scripts/framework-types.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Member { name: string; static?: boolean; attribute?: string }
interface Attribute { name: string; fieldName?: string; description?: string }
interface Declaration { tagName?: string; members?: Member[]; attributes?: Attribute[]; events?: Array<{ name: string; type?: { text: string } }> }

describe('framework types from custom-elements.json', () => {
  let dir: string;
  let element: Declaration;
  let manifest: unknown;
  const read = (file: string) => readFileSync(join(dir, 'frameworks', file), 'utf8');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ig-embed-cem-'));
    // The analyzer as `npm run analyze` runs it (the config file with our plugin is read from the root; the
    // analyzer joins --outdir to the working directory, so it is given relative).
    const args = ['analyze', '--outdir', relative(ROOT, dir)];
    const analyze = spawnSync(join(ROOT, 'node_modules/.bin/cem'), args, { cwd: ROOT, encoding: 'utf8' });
    assert.equal(analyze.status, 0, analyze.stderr);
    manifest = JSON.parse(readFileSync(join(dir, 'custom-elements.json'), 'utf8'));
    element = (manifest as { modules: Array<{ declarations?: Declaration[] }> }).modules
      .flatMap((module) => module.declarations ?? []).find((declaration) => declaration.tagName === 'ig-embed')!;
    await writeFrameworkTypes({ manifest, element: join(dir, 'types/widget/element.d.ts'), out: join(dir, 'frameworks') });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the manifest links endpoint and consent to the instance members, with the @attr text', () => {
    const members = element.members ?? [];
    for (const name of ['endpoint', 'consent']) {
      assert.equal(members.find((m) => m.name === name && !m.static)?.attribute, name);
      assert.equal(members.find((m) => m.name === name && m.static)?.attribute, undefined);
    }
    assert.match(element.attributes?.find((a) => a.name === 'endpoint')?.description ?? '', /^Base URL of the ig-embed proxy/);
    assert.equal(element.attributes?.find((a) => a.name === 'state')?.fieldName, 'state');
  });

  test('the manifest names each event with its detail type', () => {
    assert.deepEqual(element.events?.map((e) => [e.name, e.type?.text]).sort(), [
      ['ig-embed-consent', 'CustomEvent<IgEmbedConsentDetail>'],
      ['ig-embed-fallback', 'CustomEvent<IgEmbedFallbackDetail>'],
      ['ig-embed-load', 'CustomEvent<IgEmbedLoadDetail>'],
    ]);
  });

  test('JSX types: on<event> handlers get CustomEvent<detail>, each prop once, no read-only state or reason', () => {
    const jsx = read('generated/jsx.d.ts');
    assert.match(jsx, /"onig-embed-load"\?: \(e: CustomEvent<IgEmbedLoadDetail>\) => void;/);
    assert.match(jsx, /"onig-embed-fallback"\?: \(e: CustomEvent<IgEmbedFallbackDetail>\) => void;/);
    assert.match(jsx, /"onig-embed-consent"\?: \(e: CustomEvent<IgEmbedConsentDetail>\) => void;/);
    assert.match(jsx, /import type \{[^}]*IgEmbedFallbackDetail[^}]*\} from "\.\.\/\.\.\/types\/widget\/element\.js";/);
    assert.equal(jsx.match(/^\s*"?endpoint"?\?:/gm)?.length, 1);
    assert.equal(/^\s*"?(state|reason)"?\?:/m.test(jsx), false);
    assert.match(read('jsx-react.d.ts'), /import type \{ CustomElements \} from '\.\/generated\/jsx\.js';\n\ndeclare module 'react' \{/);
  });

  test('Vue types use the names Vue templates are checked by, plus the HTML attributes', () => {
    const vue = read('vue.d.ts');
    assert.match(vue, /onIgEmbedLoad\?: \(e: CustomEvent<IgEmbedLoadDetail>\) => void;/);
    assert.match(vue, /\bauthorUrl\?: IgEmbedElement\["authorUrl"\];/);
    assert.equal(vue.includes('"author-url"'), false);
    assert.match(vue, /"ig-embed": DefineComponent<IgEmbedElementProps & HTMLAttributes>;/);
  });

  test('widget/package.json exports every generated entry, types only, from dist/frameworks', () => {
    const { exports } = JSON.parse(readFileSync(join(ROOT, 'widget/package.json'), 'utf8')) as { exports: Record<string, unknown> };
    for (const [entry, file] of Object.entries(FRAMEWORK_ENTRIES as Record<string, string>)) {
      assert.deepEqual(exports[entry], { types: `./dist/frameworks/${file}` }, entry);
    }
  });
});
