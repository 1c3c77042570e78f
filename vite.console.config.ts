import { defineConfig } from 'vite';

/**
 * Builds the merchant's console (console/): a page of its own, index.html and
 * hashed assets in dist/console/. Nothing of it is in the element's bundles,
 * and no shop page loads it. Relative asset URLs, so it works under whatever
 * path the Worker serves it from (/console/).
 */
export default defineConfig({
  root: 'console',
  base: './',
  build: {
    outDir: '../dist/console',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    assetsDir: 'assets',
  },
});
