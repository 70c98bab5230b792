// Type tests against the packed tarball: React 19 TSX under tsc, a Vue SFC under vue-tsc with strict templates,
// Preact and Solid TSX under tsc, and Svelte's element table under tsc (not svelte-check).
// Correct use compiles; each wrong use, in a file of its own, fails with the error that names the mistake.
// (tsc cannot catch a misspelled hyphenated attribute in TSX: JSX accepts any name with a hyphen.)
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { run, workspace, type Workspace } from './support.js';

/**
 * Compiles `files` alone with the project's settings (a tsconfig of their own that extends the project's). Only
 * the correct file checks the declaration files too (`skipLibCheck: false`, which finds an error in ours); the
 * failing ones skip that, which halves their time and changes none of their errors.
 */
async function check(tool: 'tsc' | 'vue-tsc', dir: string, name: string, files: string[], base = 'tsconfig.json') {
  const config = `tsconfig.check-${name}.json`;
  const compilerOptions = { skipLibCheck: !name.endsWith('ok') };
  await writeFile(join(dir, config), JSON.stringify({ extends: `./${base}`, compilerOptions, include: files }));
  return run(join(dir, 'node_modules/.bin', tool), ['-p', config], dir, 120_000);
}

describe('types from the packed tarball', { timeout: 600_000 }, () => {
  let ws: Workspace;
  before(async () => {
    ws = await workspace();
  });
  after(() => ws?.remove());

  describe('React 19 (ig-embed/jsx-react, ig-embed/react)', () => {
    let dir: string;
    before(async () => {
      dir = await ws.install('test/examples/types/react');
    });

    test('a TSX file using <ig-embed> and <IgEmbed> correctly compiles, with React\'s own types intact', async () => {
      const result = await check('tsc', dir, 'ok', ['ok.tsx']);
      assert.equal(result.output.trim(), '');
      assert.equal(result.code, 0);
    });

    const failures: Array<[file: string, error: RegExp]> = [
      ['fail-attribute-type.tsx', /fail-attribute-type\.tsx\(4,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/],
      ['fail-attribute-value.tsx', /fail-attribute-value\.tsx\(4,\d+\): error TS2322: Type '"soon"' is not assignable to type '"(eager|lazy)" \| "(eager|lazy)" \| undefined'/],
      ['fail-event-handler.tsx', /fail-event-handler\.tsx\(\d+,\d+\): error TS2322:[\s\S]*Type 'CustomEvent<IgEmbedFallbackDetail>' is not assignable to type 'CustomEvent<\{ url: string; \}>'/],
      ['fail-wrapper-event.tsx', /fail-wrapper-event\.tsx\(4,\d+\): error TS2339: Property 'reason' does not exist on type 'IgEmbedLoadDetail'/],
      ['fail-wrapper-prop.tsx', /fail-wrapper-prop\.tsx\(4,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/],
    ];
    for (const [file, error] of failures) {
      test(`${file} does not compile, for the reason its first line gives`, async () => {
        const result = await check('tsc', dir, file.replace('.tsx', ''), [file]);
        assert.match(result.output, error);
        assert.equal(result.code, 2);
      });
    }
  });

  describe('Vue 3 (ig-embed/vue) under vue-tsc with strictTemplates', () => {
    let dir: string;
    before(async () => {
      dir = await ws.install('test/examples/types/vue');
    });

    test('an SFC using every attribute and event, with typed details, compiles', async () => {
      const result = await check('vue-tsc', dir, 'ok', ['src/types.ts', 'src/Ok.vue']);
      assert.equal(result.output.trim(), '');
      assert.equal(result.code, 0);
    });

    const failures: Array<[file: string, error: RegExp]> = [
      ['FailEvent.vue', /FailEvent\.vue\(8,\d+\): error TS2561: Object literal may only specify known properties, but 'onIgEmbedLod' does not exist/],
      ['FailProp.vue', /FailProp\.vue\(8,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/],
      ['FailDetail.vue', /FailDetail\.vue\(8,\d+\): error TS2339: Property 'url' does not exist on type 'IgEmbedFallbackDetail'/],
    ];
    for (const [file, error] of failures) {
      test(`${file} does not compile, for the reason its first line gives`, async () => {
        const result = await check('vue-tsc', dir, file.replace('.vue', ''), ['src/types.ts', `src/${file}`]);
        assert.match(result.output, error);
        assert.notEqual(result.code, 0);
      });
    }
  });

  describe('Preact (ig-embed/jsx-preact), Solid (ig-embed/solid), Svelte\'s element table (ig-embed/svelte)', () => {
    let dir: string;
    before(async () => {
      dir = await ws.install('test/examples/types/jsx');
    });

    for (const [framework, file] of [['preact', 'preact-ok.tsx'], ['solid', 'solid-ok.tsx'], ['svelte', 'svelte-ok.ts']] as const) {
      test(`${framework}: ${file} using <ig-embed> correctly compiles`, async () => {
        const result = await check('tsc', dir, `${framework}-ok`, [file], `tsconfig.${framework}.json`);
        assert.equal(result.output.trim(), '');
        assert.equal(result.code, 0);
      });
    }

    const failures: Array<[file: string, error: RegExp]> = [
      ['preact-fail-detail.tsx', /preact-fail-detail\.tsx\(4,\d+\): error TS2339: Property 'reason' does not exist on type 'IgEmbedLoadDetail'/],
      ['solid-fail-attribute.tsx', /solid-fail-attribute\.tsx\(4,\d+\): error TS2322: Type '"soon"' is not assignable to type '"(eager|lazy)" \| "(eager|lazy)" \| undefined'/],
      ['svelte-fail-detail.ts', /svelte-fail-detail\.ts\(4,\d+\): error TS2339: Property 'reason' does not exist on type 'IgEmbedLoadDetail'/],
    ];
    for (const [file, error] of failures) {
      test(`${file} does not compile, for the reason its first line gives`, async () => {
        const framework = file.split('-')[0]!;
        const result = await check('tsc', dir, file.replace(/\.tsx?$/, ''), [file], `tsconfig.${framework}.json`);
        assert.match(result.output, error);
        assert.equal(result.code, 2);
      });
    }
  });
});
