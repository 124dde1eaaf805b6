import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { precompress } from './scripts/web-build/precompress.js';

/** Light and dark theme colours (the page's --accent and dark --surface, src/web/styles.css). */
const THEME_LIGHT = '#3451d1';
const BACKGROUND_LIGHT = '#f6f7f9';

// The web UI: Preact via esbuild's automatic JSX runtime; output to dist/web, served by the server.
// `vite build --mode test` makes the test build instead, in dist/web-test: the only build whose test hooks (the
// fast-KDF override read from localStorage) exist; in every other build `__PARLEY_TEST_BUILD__` is false and the hook
// is removed as dead code (test/unit/production-bundle.test.ts checks dist/web for it).
export default defineConfig(({ mode }) => ({
  root: '.',
  // Icons and the favicon (made by scripts/make-icons.ts), copied as they are.
  publicDir: 'public',
  define: { __PARLEY_TEST_BUILD__: JSON.stringify(mode === 'test') },
  build: {
    outDir: mode === 'test' ? 'dist/web-test' : 'dist/web',
    emptyOutDir: true,
    // Maps are written for local debugging but never referenced from the code nor served (the server answers 404).
    sourcemap: 'hidden',
    target: 'es2022',
    modulePreload: { polyfill: false },
    // The zxcvbn dictionaries (~1.6 MB, loaded lazily by the password meter) are one chunk by design.
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      output: {
        codeSplitting: {
          groups: [
            // Named, so the service worker can leave the sign-up-only dictionaries out of its precache.
            { name: 'zxcvbn', test: /node_modules[\\/]@zxcvbn-ts/ },
            // Everything the entry imports statically (Preact, its hooks, the router, the public pages) in the entry
            // chunk itself: the first load is one script, not five. Without this group Rolldown splits the modules
            // that the lazy chunks share with the entry into chunks of their own, each a request and a round of
            // fetch, compile and module linking on the page's main thread (bench/first-load.ts).
            { name: 'index', tags: ['$initial'] },
          ],
        },
      },
    },
  },
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  worker: { format: 'es' },
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/web',
      filename: 'sw.ts',
      // src/web/pwa/register-sw.ts registers it after the first render.
      injectRegister: false,
      manifestFilename: 'manifest.webmanifest',
      // The icons are in the glob above already (listing them twice would conflict in the precache).
      includeManifestIcons: false,
      injectManifest: {
        // The app shell: the page, every script and style of the app (workers included), the icons. Not the
        // password-strength dictionaries (sign-up needs the network anyway), not the source maps.
        globPatterns: ['**/*.{js,css,html,svg,png,ico,wasm}'],
        globIgnores: ['**/zxcvbn-*.js', '**/*.map', 'sw.js'],
        maximumFileSizeToCacheInBytes: 1_000_000,
        sourcemap: false,
      },
      manifest: {
        name: 'Parley',
        short_name: 'Parley',
        description: 'End-to-end encrypted chat where the server never sees your password or messages.',
        id: '/',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: THEME_LIGHT,
        background_color: BACKGROUND_LIGHT,
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
        ],
      },
    }),
    precompress(),
  ],
}));
