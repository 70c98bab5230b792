/**
 * The analyzer's config (`npm run analyze` reads it by name): one plugin that keeps custom-elements.json true
 * where the analyzer (0.11) reads our class wrong. Framework types are generated from this manifest
 * (scripts/framework-types.mjs), so what it gets wrong they would get wrong too.
 */

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

export default {
  plugins: [attributesFromInstanceMembers()],
};
