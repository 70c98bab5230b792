/**
 * Generates the framework type entries (`ig-embed/jsx-react`, `/jsx-preact`, `/solid`, `/vue`, `/svelte`) from
 * custom-elements.json with the cem-tools generators, after `npm run analyze` and the element's declarations
 * (`tsc -p tsconfig.types.json`). Nothing here is written by hand but the few lines per framework that hook the
 * generated `CustomElements` into that framework's element table, which no generator writes as a module
 * augmentation (a `declare module` in a file without an import replaces the framework's types instead).
 *
 *   node scripts/framework-types.mjs [--manifest widget/custom-elements.json] [--element widget/dist/widget/element.d.ts] [--out widget/dist/frameworks]
 *
 * Paths are arguments, so the script does not care where the package.json that ships them lives.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateJsxTypes } from 'custom-element-jsx-integration';
import { generateSolidJsTypes } from 'custom-element-solidjs-integration';
import { generateSvelteTypes } from 'custom-element-svelte-integration';
import { generateVuejsTypes } from 'custom-element-vuejs-integration';

/** The entries this script writes, by export sub-path: the one list package.json's exports and the docs follow. */
export const FRAMEWORK_ENTRIES = Object.freeze({
  './jsx-react': 'jsx-react.d.ts',
  './jsx-preact': 'jsx-preact.d.ts',
  './solid': 'solid.d.ts',
  './vue': 'vue.d.ts',
  './svelte': 'svelte.d.ts',
});

/**
 * What the generators should see. They wrap an event's manifest type in `CustomEvent<…>` themselves (and import
 * it when it is a plain name), so they get the detail type (`IgEmbedLoadDetail`) where the manifest, following
 * its schema, names the event (`CustomEvent<IgEmbedLoadDetail>`). Read-only members (`state`, `reason`) and
 * the reflected `state` attribute are left out: a framework that sets them would throw or be overwritten.
 * `eventName` and `attributeName` rename for a framework that reads listener and attribute props by other names.
 */
function generatorView(manifest, { eventName = (name) => name, attributeName = (attribute) => attribute.name } = {}) {
  const view = JSON.parse(JSON.stringify(manifest));
  for (const module of view.modules) {
    for (const declaration of module.declarations ?? []) {
      if (!declaration.tagName) continue;
      const readonly = new Set((declaration.members ?? []).filter((m) => m.readonly && !m.static).map((m) => m.name));
      declaration.members = (declaration.members ?? []).filter((m) => !readonly.has(m.name) || m.static);
      declaration.attributes = (declaration.attributes ?? [])
        .filter((a) => !readonly.has(a.fieldName))
        .map((a) => ({ ...a, name: attributeName(a) }));
      for (const event of declaration.events ?? []) {
        const detail = /^CustomEvent<(.+)>$/s.exec(event.type?.text ?? '')?.[1];
        if (!detail) throw new Error(`framework-types: event ${event.name} of <${declaration.tagName}> has no CustomEvent<detail> type in the manifest`);
        event.type = { text: detail };
        event.name = eventName(event.name);
      }
    }
  }
  return view;
}

/** `import type { CustomElements } from './generated/x.js'` and the framework's own hook, per entry. */
const hooks = {
  'jsx-react.d.ts': (from) => `/** \`ig-embed/jsx-react\`: types <ig-embed> in React 19's JSX (generated from custom-elements.json). */
import type { CustomElements } from '${from}';

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements extends CustomElements {}
  }
}

export type { CustomElements };
`,
  'jsx-preact.d.ts': (from) => `/** \`ig-embed/jsx-preact\`: types <ig-embed> in Preact's JSX (generated from custom-elements.json). */
import type { CustomElements } from '${from}';

declare module 'preact' {
  namespace JSX {
    interface IntrinsicElements extends CustomElements {}
  }
}

export type { CustomElements };
`,
  'solid.d.ts': (from) => `/** \`ig-embed/solid\`: types <ig-embed> in Solid's JSX (generated from custom-elements.json). */
import type { CustomElements } from '${from}';

declare module 'solid-js' {
  namespace JSX {
    interface IntrinsicElements extends CustomElements {}
  }
}

export type { CustomElements };
`,
  // The Svelte generator types Svelte 4's \`on:event\` only; Svelte 5's event attributes (\`onig-embed-load\`) are the
  // JSX generator's \`on<event>\` props, added to each element.
  'svelte.d.ts': (from) => `/** \`ig-embed/svelte\`: types <ig-embed> in Svelte templates (generated from custom-elements.json). */
import type { CustomElements as SvelteElements } from '${from}';
import type { CustomElements as JsxElements } from './generated/jsx.js';

type EventAttributes<T> = { [K in keyof T as K extends \`on\${string}-\${string}\` ? K : never]: T[K] };

/** Each element's attributes, \`on:event\` (Svelte 4) and \`onevent\` (Svelte 5) handlers. */
export type CustomElements = {
  [Tag in keyof SvelteElements]: SvelteElements[Tag] & (Tag extends keyof JsxElements ? EventAttributes<JsxElements[Tag]> : unknown);
};

declare global {
  namespace svelteHTML {
    interface IntrinsicElements extends CustomElements {}
  }
}
`,
};

/**
 * The Vue generator types only the element's own props, so under strict templates `id`, `title` or `aria-*` on
 * <ig-embed> fail. Each component's props get Vue's `HTMLAttributes` (what any element takes), and the global JSX
 * entry is dropped (below); the edits fail loudly if a newer generator writes its output differently.
 */
async function withHtmlAttributes(file) {
  const text = await readFile(file, 'utf8');
  const importLine = 'import type { DefineComponent } from "vue";';
  const components = text.match(/DefineComponent<\w+Props>/g) ?? [];
  if (!text.includes(importLine) || components.length === 0) throw new Error(`framework-types: ${file} is not shaped as expected: Vue's generator changed`);
  // The generator also adds <ig-embed> to the global JSX namespace as a Vue component: Vue 3.4+ has no global JSX
  // (its TSX uses `jsxImportSource: "vue"`), and in any project whose global JSX is React's or another's, that
  // entry would type the element with Vue's props. Templates read GlobalComponents only, so the block goes.
  const globalJsx = /\ndeclare global \{\n {2}namespace JSX \{\n[^}]*\}\n {2}\}\n\}\n/;
  if (!globalJsx.test(text)) throw new Error(`framework-types: ${file} is not shaped as expected: Vue's generator changed`);
  await writeFile(file, text
    .replace(importLine, 'import type { DefineComponent, HTMLAttributes } from "vue";')
    .replace(/DefineComponent<(\w+Props)>/g, 'DefineComponent<$1 & HTMLAttributes>')
    .replace(globalJsx, '\n'));
}

/**
 * The Svelte generator's base props name a global `JSX` namespace (`JSX.Element`, `JSX.CSSProperties`), which a
 * Svelte project does not have: with `skipLibCheck` off that is an error, with it on the props turn `any`. In a
 * Svelte template children are not an attribute and `style` is a string, so that is what they become.
 */
async function withoutGlobalJsx(file) {
  const text = await readFile(file, 'utf8');
  const edited = text.replace(/\bJSX\.Element\b/g, 'unknown').replace(/\bJSX\.CSSProperties\b/g, 'string');
  if (edited === text || /\bJSX\./.test(edited)) throw new Error(`framework-types: ${file} is not shaped as expected: Svelte's generator changed`);
  await writeFile(file, edited);
}

/** Writes every entry of FRAMEWORK_ENTRIES into `out` (generated files under `out/generated/`). */
export async function writeFrameworkTypes({ manifest, element, out }) {
  const view = generatorView(manifest);
  const generated = resolve(out, 'generated');
  await mkdir(generated, { recursive: true });
  // The generators import the element class (and the detail types) from this path, relative to their output.
  const typePath = relative(generated, element).replace(/\.d\.ts$/, '.js');
  const common = { outdir: generated, globalTypePath: typePath.startsWith('.') ? typePath : `./${typePath}`, hideLogs: true };
  generateJsxTypes(view, { ...common, fileName: 'jsx.d.ts' });
  generateSolidJsTypes(view, { ...common, fileName: 'solid.d.ts' });
  generateSvelteTypes(view, { ...common, fileName: 'svelte.d.ts' });
  await withoutGlobalJsx(resolve(generated, 'svelte.d.ts'));
  // Vue's generator writes the GlobalComponents augmentation itself (it imports 'vue'). Vue's template checker
  // reads `@ig-embed-load` as the listener prop `onIgEmbedLoad` and `author-url` as `authorUrl` (Vue's runtime
  // attaches `ig-embed-load` and sets `authorUrl`), so those are the names its props need; the generator's
  // `onig-embed-load` and `author-url` match no Vue template.
  const pascal = (name) => name.replace(/(?:^|-)(\w)/g, (_, letter) => letter.toUpperCase());
  const vueView = generatorView(manifest, { eventName: pascal, attributeName: (attribute) => attribute.fieldName ?? attribute.name });
  generateVuejsTypes(vueView, { ...common, outdir: out, globalTypePath: relative(out, element).replace(/\.d\.ts$/, '.js'), fileName: 'vue.d.ts' });
  await withHtmlAttributes(resolve(out, 'vue.d.ts'));
  const sources = { 'jsx-react.d.ts': 'jsx', 'jsx-preact.d.ts': 'jsx', 'solid.d.ts': 'solid', 'svelte.d.ts': 'svelte' };
  for (const [file, source] of Object.entries(sources)) await writeFile(resolve(out, file), hooks[file](`./generated/${source}.js`));
  return Object.values(FRAMEWORK_ENTRIES).map((file) => resolve(out, file));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      manifest: { type: 'string', default: 'widget/custom-elements.json' },
      element: { type: 'string', default: 'widget/dist/widget/element.d.ts' },
      out: { type: 'string', default: 'widget/dist/frameworks' },
    },
  });
  const manifest = JSON.parse(await readFile(values.manifest, 'utf8'));
  const files = await writeFrameworkTypes({ manifest, element: resolve(values.element), out: resolve(values.out) });
  console.log(`framework-types: ${files.map((file) => relative(dirname(resolve(values.out)), file)).join(', ')}`);
}
