import { defineConfig } from 'vite';
import { precompress } from './scripts/web-build/precompress.js';

// The web UI: Preact via esbuild's automatic JSX runtime; output to dist/web, served by the server.
// `vite build --mode test` makes the test build instead, in dist/web-test: the only build whose test hooks (the
// fast-KDF override read from localStorage) exist; in every other build `__PARLEY_TEST_BUILD__` is false and the hook
// is removed as dead code (test/unit/production-bundle.test.ts checks dist/web for it).
export default defineConfig(({ mode }) => ({
  root: '.',
  publicDir: false,
  define: { __PARLEY_TEST_BUILD__: JSON.stringify(mode === 'test') },
  build: {
    outDir: mode === 'test' ? 'dist/web-test' : 'dist/web',
    emptyOutDir: true,
    // Maps are written for local debugging but never referenced from the code nor served (the server answers 404).
    sourcemap: 'hidden',
    target: 'es2022',
    modulePreload: { polyfill: false },
    // The zxcvbn dictionaries (~1.2 MB, loaded lazily by the password meter) are one chunk by design.
    chunkSizeWarningLimit: 1300,
  },
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  worker: { format: 'es' },
  plugins: [precompress()],
}));
