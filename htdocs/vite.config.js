// Vite builds the web UI into dist/ (or $PL_UI_OUT: `make` builds into the
// build tree, script/build-ui says how). The output is plain files for
// Apache: one HTML page, hashed JS and CSS under assets/, and nothing inline,
// so the page runs under a CSP of script-src 'self' without unsafe-inline.
import { defineConfig } from 'vite';

export default defineConfig({
  // JSX compiled for Preact (its automatic runtime), without a plugin
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: process.env.PL_UI_OUT || 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // no data: URIs: every asset is a file of this origin (img-src 'self')
    assetsInlineLimit: 0,
    // modern browsers only: no polyfill injected into the page
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  // `npm run dev`: Vite's own server, the API from script/server on :8080
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
