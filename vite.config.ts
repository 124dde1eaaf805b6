import { defineConfig } from 'vite';
import { precompress } from './scripts/web-build/precompress.js';

// The web UI: Preact via esbuild's automatic JSX runtime; output to dist/web, served by the server.
export default defineConfig({
  root: '.',
  publicDir: false,
  build: {
    outDir: 'dist/web',
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
});
