import { defineConfig } from 'vite';

/**
 * Builds the merchant's console (console/): a page of its own, index.html and
 * hashed assets in dist/console/. Nothing of it is in the element's bundles,
 * and no shop page loads it. Asset URLs from /console/, where the Worker serves
 * it, so the page works at /console and at any of its routes alike.
 */
export default defineConfig({
  root: 'console',
  base: '/console/',
  build: {
    outDir: '../dist/console',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    assetsDir: 'assets',
  },
});
