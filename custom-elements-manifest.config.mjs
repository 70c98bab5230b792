// `npm run analyze`: custom-elements.json for the `ig-embed` package (widget/), naming the files it ships.
// The analyzer reads the TypeScript sources; the package ships dist/widget/<module>.js (one file per
// module, vite.config.ts `lib`), so every `widget/<module>.ts` in the manifest becomes that path.
// The classic-script entries (widget/script.ts, widget/consent/script/ and its script-options.ts) are IIFE builds, not modules of
// the package: they declare no element and are left out. A second plugin keeps the manifest true where the analyzer
// (0.11) reads our class wrong; the framework types are generated from it (scripts/framework-types.mjs).

/** `widget/x.ts` → `dist/widget/x.js`; anything else (relative `./x.js` references) as it was. */
const shipped = (path) => path.replace(/^widget\/(.+)\.[tj]s$/, 'dist/widget/$1.js');

/** `@attr {type} name - text` on the class: the attribute's own documentation, by attribute name. */
const attrDocs = new Map();

/**
 * `IgEmbedElement.endpoint` and `.consent` are static (page-wide) and instance (per element) members of the
 * same name: the analyzer links the attribute to the static one (whose JSDoc then replaces the attribute's),
 * and leaves the instance member without its attribute. It also leaves a JSDoc-only `@attr` (the read-only,
 * reflected `state`) without its field. This relinks both and puts the `@attr` text back.
 */
function attributesFromInstanceMembers() {
  return {
    name: 'ig-embed-attributes-from-instance-members',
    analyzePhase({ ts, node }) {
      if (!ts.isClassDeclaration(node)) return;
      for (const doc of node.jsDoc ?? []) {
        for (const tag of doc.tags ?? []) {
          if (tag.tagName.text !== 'attr' || typeof tag.comment !== 'string') continue;
          const match = /^\{[^}]*\}\s+([\w-]+)\s+-\s+([\s\S]*)$/.exec(tag.comment.trim());
          if (match) attrDocs.set(match[1], match[2].trim());
        }
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          if (!declaration.tagName) continue;
          const members = declaration.members ?? [];
          for (const member of members) {
            if (!member.static || !member.attribute) continue;
            const own = members.find((other) => other.name === member.name && !other.static);
            if (own) own.attribute = member.attribute;
            delete member.attribute;
          }
          for (const attribute of declaration.attributes ?? []) {
            if (attrDocs.has(attribute.name)) attribute.description = attrDocs.get(attribute.name);
            delete attribute.default; // a static member's default, not the attribute's
            if (!attribute.fieldName) {
              const field = attribute.name.replace(/-(\w)/g, (_, letter) => letter.toUpperCase());
              if (members.some((member) => member.name === field && !member.static)) attribute.fieldName = field;
            }
          }
        }
      }
    },
  };
}

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
  plugins: [attributesFromInstanceMembers(), {
    name: 'ig-embed-shipped-paths',
    packageLinkPhase({ customElementsManifest }) {
      rewrite(customElementsManifest.modules);
    },
  }],
};
