// `npm run analyze`: custom-elements.json for the `ig-embed` package (widget/), naming the files it ships.
// The analyzer reads the TypeScript sources; the package ships dist/widget/<module>.js (one file per
// module, vite.config.ts `lib`), so every `widget/<module>.ts` in the manifest becomes that path.
// The classic-script entries (widget/script.ts, widget/consent/script/ and its script-options.ts) are IIFE builds, not modules of
// the package: they declare no element and are left out.

/** `widget/x.ts` → `dist/widget/x.js`; anything else (relative `./x.js` references) as it was. */
const shipped = (path) => path.replace(/^widget\/(.+)\.[tj]s$/, 'dist/widget/$1.js');

function rewrite(node) {
  if (Array.isArray(node)) return node.forEach(rewrite);
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'path' || key === 'module') && typeof value === 'string') node[key] = shipped(value);
    else rewrite(value);
  }
}

export default {
  globs: ['widget/**/*.ts'],
  exclude: ['widget/**/*.test.ts', 'widget/dist/**', 'widget/script.ts', 'widget/consent/script/**', 'widget/consent/script-options.ts'],
  outdir: 'widget',
  litelement: true,
  // widget/package.json names the manifest itself ("customElements"); the analyzer would write the root's.
  packagejson: false,
  plugins: [{
    name: 'ig-embed-shipped-paths',
    packageLinkPhase({ customElementsManifest }) {
      rewrite(customElementsManifest.modules);
    },
  }],
};
