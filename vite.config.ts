/**
 * One Vite config, builds chosen by --mode:
 *   lib    → widget/dist/widget/, widget/dist/instagram/   ESM for the `ig-embed` package (`ig-embed`, `ig-embed/element`,
 *            `ig-embed/react`, `ig-embed/consent/<adapter>`), one file per source module (so custom-elements.json can name
 *            them), Lit and React (with @lit/react) left as dependencies
 *   script → widget/dist/script/   one self-contained classic script (IIFE) for CMS pages, served as /ig-embed.js
 *            (scripts/copy-widget-script.mjs copies the folder into the proxy package: proxy/dist/script/)
 *   consent-<adapter> → widget/dist/script/ig-embed.consent-<adapter>.js, one classic file per consent adapter
 *            (IIFE allows one entry per build: scripts/build-consent-scripts.mjs runs them all)
 *   demo   → proxy/dist/demo/   the demo pages the proxy serves when DEMO=1 (also `npm run dev`); in no published package
 */
import { resolve } from 'node:path';
import { minify } from 'terser';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import adapters from './widget/consent/adapters.json' with { type: 'json' };

const root = import.meta.dirname;
const proxyTarget = process.env.IG_EMBED_PROXY ?? 'http://127.0.0.1:8787';

/** The demo pages share one site header and footer; each page is marked as the current one in its navigation. */
const DEMO_PAGES: Array<[href: string, label: string]> = [
  ['./', 'Home'], ['./cms.html', 'CMS page'], ['./spa.html', 'SPA'], ['./fallbacks.html', 'Fallbacks'], ['./consent.html', 'Consent'],
  ['./status.html', 'Proxy status'],
];

const DEMO_FOOTER = `<footer class="site-footer">
    ig-embed demo · posts belong to their authors and are shown by Instagram's own embed.
  </footer>`;

function demoSiteChrome(): Plugin {
  return {
    name: 'ig-embed-demo-site-chrome',
    transformIndexHtml(html, { path }) {
      const current = path === '/' || path === '/index.html' ? './' : `.${path}`;
      const links = DEMO_PAGES.map(([href, label]) => `      <a href="${href}"${href === current ? ' aria-current="page"' : ''}>${label}</a>`);
      return html.replace('<!-- site-header -->', [
        '<header class="site-header"><div class="inner">',
        '    <a class="brand" href="./">ig-embed</a>',
        '    <nav class="site-nav" aria-label="Demo pages">',
        ...links,
        '    </nav>',
        '  </div></header>',
      ].join('\n')).replace('<!-- site-footer -->', DEMO_FOOTER);
    },
  };
}

/**
 * A compress-only terser pass over the classic script, before rolldown's own minifier (oxc) mangles and
 * prints it. terser inlines the single-use functions and constants that one-concern modules are made of,
 * which oxc keeps as written: 109 B gzip less, measured (neither minifier alone does as well); dropping
 * unused trailing parameters (keep_fargs: false) 7 B more: nothing here or in Lit reads a Function.length.
 */
function terserCompress(): Plugin {
  return {
    name: 'ig-embed-terser-compress',
    async renderChunk(code) {
      const result = await minify(code, { compress: { ecma: 2020, passes: 2, keep_fargs: false }, mangle: false, format: { ecma: 2020, comments: false } });
      return result.code === undefined ? null : { code: result.code, map: null };
    },
  };
}

const builds: Record<string, UserConfig> = {
  lib: {
    build: {
      // The whole of widget/dist: this build runs first (build:widget), the others add to it.
      outDir: resolve(root, 'widget/dist'),
      emptyOutDir: true,
      target: 'es2022',
      lib: {
        entry: {
          'widget/index': resolve(root, 'widget/index.ts'),
          'widget/element': resolve(root, 'widget/element.ts'),
          'widget/react': resolve(root, 'widget/react.ts'),
          ...Object.fromEntries(adapters.map((name) => [`widget/consent/${name}`, resolve(root, `widget/consent/${name}.ts`)])),
        },
        formats: ['es'],
      },
      rollupOptions: {
        external: [/^lit($|\/)/, /^@lit\//, /^react($|\/)/],
        // widget/x.ts → dist/widget/x.js and instagram/x.ts → dist/instagram/x.js, beside their .d.ts (tsconfig.types.json).
        output: { preserveModules: true, preserveModulesRoot: root, entryFileNames: '[name].js' },
      },
      minify: false,
    },
  },
  script: {
    plugins: [terserCompress()],
    build: {
      outDir: resolve(root, 'widget/dist/script'),
      emptyOutDir: true,
      target: 'es2022',
      lib: { entry: resolve(root, 'widget/script.ts'), formats: ['iife'], name: 'IgEmbed', fileName: () => 'ig-embed.js' },
      rolldownOptions: {
        output: {
          // window.IgEmbed is a plain object: no Symbol.toStringTag "Module" boilerplate (24 B gzip).
          generatedCode: { symbols: false },
          minify: {
            compress: { target: 'es2022' },
            mangle: true,
            // Our own private members (`_state`, `_start()`…) get short names in this self-contained file:
            // nothing outside it can reach them (the npm build keeps them). Lit's internals are `_$…` and
            // embed.js's hook is `__igEmbedLoaded`, so `_` + lower case touches neither; names already
            // used as properties anywhere in the bundle (`id`, Lit's `l`, `o`…) are never handed out.
            mangleProps: { include: /^_[a-z]/ },
          },
        },
      },
    },
  },
  // Each adapter alone: it reaches the element through customElements, so none carries a copy of it.
  ...Object.fromEntries(adapters.map((name): [string, UserConfig] => [`consent-${name}`, {
    build: {
      outDir: resolve(root, 'widget/dist/script'),
      emptyOutDir: false,
      target: 'es2022',
      lib: { entry: resolve(root, `widget/consent/script/${name}.ts`), formats: ['iife'], name: 'IgEmbedConsent', fileName: () => `ig-embed.consent-${name}.js` },
    },
  }])),
  demo: {
    root: resolve(root, 'demo'),
    plugins: [demoSiteChrome()],
    // demo/public holds files referenced from attributes Vite does not rewrite (e.g. the fallback thumbnail).
    publicDir: resolve(root, 'demo/public'),
    build: {
      outDir: resolve(root, 'proxy/dist/demo'),
      emptyOutDir: true,
      target: 'es2022',
      // Every browser that runs the widget supports <link rel=modulepreload>; skip Vite's polyfill chunk.
      modulePreload: { polyfill: false },
      rollupOptions: {
        input: {
          index: resolve(root, 'demo/index.html'),
          cms: resolve(root, 'demo/cms.html'),
          spa: resolve(root, 'demo/spa.html'),
          fallbacks: resolve(root, 'demo/fallbacks.html'),
          consent: resolve(root, 'demo/consent.html'),
          status: resolve(root, 'demo/status.html'),
          blocked: resolve(root, 'demo/blocked.html'),
          neverMounts: resolve(root, 'demo/never-mounts.html'),
        },
      },
    },
    server: {
      host: '127.0.0.1',
      proxy: Object.fromEntries(
        ['/instagram_oembed', '/healthz', '/metrics', '/ig-embed.js', ...adapters.map((name) => `/ig-embed.consent-${name}.js`)].map((path) => [path, proxyTarget]),
      ),
    },
  },
};

export default defineConfig(({ mode }) => {
  const config = builds[mode];
  if (!config) throw new Error(`vite: unknown --mode "${mode}" (use lib, script, consent-<adapter> or demo)`);
  return config;
});
